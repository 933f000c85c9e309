"""The throwaway PostgreSQL cluster: a fresh database per test, usable through SQLAlchemy."""

from __future__ import annotations

import psycopg
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from support.postgres_cluster import PostgresCluster


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "note"
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str]


def test_fresh_database_round_trips_rows(postgres_db_url: str) -> None:
    assert postgres_db_url.startswith("postgresql+psycopg://")
    engine = sa.create_engine(postgres_db_url)
    try:
        assert sa.inspect(engine).get_table_names() == []  # empty: nothing left by other tests
        Base.metadata.create_all(engine)
        with Session(engine) as session:
            session.add_all([Note(body="printer on fire"), Note(body="vpn down")])
            session.commit()
        with Session(engine) as session:
            bodies = session.scalars(sa.select(Note.body).order_by(Note.id)).all()
        assert bodies == ["printer on fire", "vpn down"]
    finally:
        engine.dispose()


def test_each_test_gets_its_own_database(postgres_db_url: str, postgres_url: str) -> None:
    engine = sa.create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            current = conn.scalar(sa.text("SELECT current_database()"))
        assert current == "postgres"
        test_db = sa.make_url(postgres_db_url).database
        assert test_db is not None and test_db != current
        assert test_db.startswith("test_")
    finally:
        engine.dispose()


def test_drop_database_terminates_open_connections(postgres_cluster: PostgresCluster) -> None:
    name = "test_drop_while_connected"
    postgres_cluster.create_database(name)
    client = psycopg.connect(host=postgres_cluster.host, port=postgres_cluster.port,
                             user=postgres_cluster.user, dbname=name)  # fmt: skip
    try:
        assert client.execute("SELECT 1").fetchone() == (1,)
        postgres_cluster.drop_database(name)  # while `client` is still connected
        with postgres_cluster.admin_connection() as admin:
            row = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        assert row is None
    finally:
        client.close()
