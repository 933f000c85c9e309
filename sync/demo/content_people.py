"""Who and where in the demo organisation: Larkhaven College's sites, queues, agents and requesters.

Larkhaven College is invented: a further-education college of about 600 staff on three sites
in the (equally invented) town of Larkhaven. Its e-mail domains end in ``.example`` (reserved,
never routable) and every phone number is in the fictional 555-01xx range.

Everything here is an immutable module-level constant built once at import, in source order,
with no randomness: the generator picks from these tuples with its own seeded RNG.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Final, Literal, get_args

from sync.domain.ticket_type import Role

__all__ = [
    "AGENTS",
    "DEPARTMENTS",
    "LOCATIONS",
    "ORGANISATION",
    "QUEUES",
    "REQUESTERS",
    "REQUESTER_GROUPS",
    "ROOM_KINDS",
    "Agent",
    "Building",
    "Location",
    "Organisation",
    "Queue",
    "Requester",
    "RequesterGroup",
    "Room",
    "RoomKind",
    "Site",
    "location",
]

RoomKind = Literal[
    "office",
    "classroom",
    "lab",
    "workshop",
    "studio",
    "meeting",
    "reception",
    "library",
    "hall",
    "kitchen",
    "washroom",
    "server",
    "plant",
]
#: Every room kind, for templates that say where a fault typically happens.
ROOM_KINDS: Final[frozenset[str]] = frozenset(get_args(RoomKind))

RequesterGroup = Literal["staff", "students", "contractors", "vip"]
REQUESTER_GROUPS: Final[frozenset[str]] = frozenset(get_args(RequesterGroup))


@dataclass(frozen=True, slots=True)
class Room:
    code: str  # unique across the organisation, e.g. "N2.14"
    name: str  # how people say it: "Room N2.14", "Plant room B1"
    kind: RoomKind
    use: str  # what the room is for: "Computing lab"


@dataclass(frozen=True, slots=True)
class Building:
    code: str
    name: str
    rooms: tuple[Room, ...]


@dataclass(frozen=True, slots=True)
class Site:
    code: str
    name: str
    address: str
    buildings: tuple[Building, ...]


@dataclass(frozen=True, slots=True)
class Organisation:
    name: str
    short_name: str
    email_domain: str
    sites: tuple[Site, ...]


@dataclass(frozen=True, slots=True)
class Location:
    """One room with the building and site it is in: what the {site}/{building}/{room} slots read."""

    site: Site
    building: Building
    room: Room

    @property
    def label(self) -> str:
        """The {location} slot: "North Building, Room N2.14"."""
        return f"{self.building.name}, {self.room.name}"


@dataclass(frozen=True, slots=True)
class Queue:
    name: str
    description: str
    email: str
    categories: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Agent:
    name: str
    username: str  # lowercase, unique
    email: str
    role: Role  # never Role.REQUESTER
    tier: int  # 1 general, 2 specialist, 3 senior engineer
    queues: tuple[str, ...]  # Queue.name values
    title: str

    @property
    def first_name(self) -> str:
        return self.name.split()[0]


@dataclass(frozen=True, slots=True)
class Requester:
    name: str
    email: str
    phone: str
    department: str
    group: RequesterGroup
    site: str  # Site.code
    room: str  # Room.code, a room on that site

    @property
    def first_name(self) -> str:
        return self.name.split()[0]


def _room(code: str, kind: RoomKind, use: str, name: str | None = None) -> Room:
    return Room(code=code, name=name or f"Room {code}", kind=kind, use=use)


_DOMAIN: Final = "larkhaven.example"

ORGANISATION: Final = Organisation(
    name="Larkhaven College",
    short_name="LVC",
    email_domain=_DOMAIN,
    sites=(
        Site(
            code="MAIN",
            name="Main Campus",
            address="Collegiate Way, Larkhaven",
            buildings=(
                Building(
                    code="N",
                    name="North Building",
                    rooms=(
                        _room("N0.01", "reception", "Main reception and admissions desk"),
                        _room("N0.04", "office", "IT Service Desk walk-in point"),
                        _room("N0.09", "washroom", "Ground floor washrooms", "Washrooms N0.09"),
                        _room("N1.02", "office", "Finance office"),
                        _room("N1.06", "office", "HR office"),
                        _room("N1.09", "office", "Exams office"),
                        _room("N1.12", "office", "Principal's office"),
                        _room("N1.15", "meeting", "Board room"),
                        _room("N2.03", "kitchen", "Staff room and kitchen"),
                        _room("N2.14", "lab", "Computing lab"),
                        _room("N2.16", "lab", "Computing lab"),
                        _room("N2.20", "classroom", "Computing classroom"),
                        _room("N3.01", "server", "Main server room", "Server room N3.01"),
                        _room("N3.08", "classroom", "General classroom"),
                        _room("NB.01", "plant", "Boilers, AHU-01 and main LV panel", "Plant room B1"),
                    ),
                ),
                Building(
                    code="S",
                    name="South Building",
                    rooms=(
                        _room("S0.02", "library", "Library and learning centre"),
                        _room("S0.08", "office", "Student Services"),
                        _room("S0.12", "kitchen", "Refectory kitchen"),
                        _room("S0.13", "hall", "Refectory", "Refectory S0.13"),
                        _room("S0.15", "washroom", "Ground floor washrooms", "Washrooms S0.15"),
                        _room("S1.04", "classroom", "Lecture theatre", "Lecture theatre S1.04"),
                        _room("S1.11", "classroom", "Business classroom"),
                        _room("S1.14", "office", "Business staff office"),
                        _room("S2.06", "lab", "Clinical skills lab"),
                        _room("S2.09", "office", "Health & Social Care staff office"),
                        _room("SB.02", "plant", "AHU-02, AHU-03 and sprinkler valve set", "Plant room B2"),
                    ),
                ),
                Building(
                    code="T",
                    name="Technology Centre",
                    rooms=(
                        _room("T0.03", "workshop", "Engineering workshop"),
                        _room("T0.07", "workshop", "Motor vehicle bay"),
                        _room("T0.11", "washroom", "Ground floor washrooms", "Washrooms T0.11"),
                        _room("T0.14", "office", "Estates office and workshop"),
                        _room("T1.05", "lab", "Electronics lab"),
                        _room("T1.09", "office", "Engineering staff office"),
                        _room("T1.12", "classroom", "Engineering classroom"),
                        _room("TR.01", "plant", "Roof plant: AHU-04, lift motor room", "Roof plant room R1"),
                    ),
                ),
            ),
        ),
        Site(
            code="QUAY",
            name="Quayside Campus",
            address="Harbour Street, Larkhaven",
            buildings=(
                Building(
                    code="Q",
                    name="Quay House",
                    rooms=(
                        _room("Q0.01", "reception", "Quayside reception"),
                        _room("Q0.06", "studio", "Hair and beauty salon"),
                        _room("Q0.10", "washroom", "Ground floor washrooms", "Washrooms Q0.10"),
                        _room("Q1.03", "studio", "Art and design studio"),
                        _room("Q1.07", "lab", "Media suite"),
                        _room("Q1.12", "classroom", "General classroom"),
                        _room("Q2.02", "office", "Creative Arts staff office"),
                        _room("Q2.05", "office", "Marketing office"),
                        _room("QB.01", "plant", "Gas boilers, comms cabinet Q-CAB1", "Plant room QB1"),
                    ),
                ),
            ),
        ),
        Site(
            code="FERN",
            name="Fernley Park Centre",
            address="Fernley Road, Larkhaven",
            buildings=(
                Building(
                    code="F",
                    name="Fernley Pavilion",
                    rooms=(
                        _room("F0.02", "hall", "Sports hall", "Sports hall F0.02"),
                        _room("F0.06", "washroom", "Changing rooms", "Changing rooms F0.06"),
                        _room("F0.09", "office", "Sport staff office"),
                        _room("F1.01", "workshop", "Construction workshop"),
                        _room("F1.04", "classroom", "Construction classroom"),
                        _room("FX.01", "plant", "Boiler house and water tanks", "Boiler house FX1"),
                    ),
                ),
            ),
        ),
    ),
)

#: Every room in the organisation, in source order.
LOCATIONS: Final[tuple[Location, ...]] = tuple(
    Location(site, building, room)
    for site in ORGANISATION.sites
    for building in site.buildings
    for room in building.rooms
)
_LOCATION_BY_CODE: Final[dict[str, Location]] = {loc.room.code: loc for loc in LOCATIONS}


def location(room_code: str) -> Location:
    """The location of a room by its code; raises KeyError for an unknown code."""
    return _LOCATION_BY_CODE[room_code]


QUEUES: Final[tuple[Queue, ...]] = (
    Queue(
        name="IT",
        description="IT Service Desk: computers, accounts, network, printing, phones and classroom AV.",
        email=f"it-help@{_DOMAIN}",
        categories=(
            "Hardware",
            "Software",
            "Network",
            "Accounts & access",
            "Email & Teams",
            "Printing",
            "Phones",
            "AV & classrooms",
            "Security",
        ),
    ),
    Queue(
        name="Facilities",
        description="Estates and facilities: heating, power, water, cleaning, doors, moves and safety.",
        email=f"estates@{_DOMAIN}",
        categories=(
            "HVAC",
            "Electrical",
            "Plumbing",
            "Cleaning",
            "Security & access",
            "Rooms & moves",
            "Safety",
        ),
    ),
    Queue(
        name="HR",
        description="People Services: pay, leave, policies, new starters and staff benefits.",
        email=f"people@{_DOMAIN}",
        categories=("Payroll", "Leave", "Policy", "Onboarding", "Benefits"),
    ),
)


def _agent(name: str, role: Role, tier: int, queues: tuple[str, ...], title: str) -> Agent:
    first, last = name.split()[0], name.split()[-1]
    return Agent(
        name=name,
        username=(first[0] + _ascii(last)).lower(),
        email=f"{_ascii(first)}.{_ascii(last)}@{_DOMAIN}".lower(),
        role=role,
        tier=tier,
        queues=queues,
        title=title,
    )


def _ascii(word: str) -> str:
    """"Siobhán O'Neill" -> "SiobhanONeill": letters and digits only, accents dropped."""
    decomposed = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode("ascii")
    return "".join(ch for ch in decomposed if ch.isalnum())


_ALL = ("IT", "Facilities", "HR")

AGENTS: Final[tuple[Agent, ...]] = (
    _agent("Priya Raman", Role.MANAGER, 3, _ALL, "Head of Service Desk"),
    _agent("Tomasz Wielgus", Role.ADMIN, 3, ("IT",), "Systems Administrator"),
    _agent("Adaeze Okafor", Role.KNOWLEDGE_MANAGER, 2, ("IT", "HR"), "Knowledge & Training Lead"),
    _agent("Liam Fitzgerald", Role.AGENT, 1, ("IT",), "Service Desk Analyst"),
    _agent("Mei Lin Chua", Role.AGENT, 1, ("IT",), "Service Desk Analyst"),
    _agent("Jonas Berg", Role.AGENT, 2, ("IT",), "Network Technician"),
    _agent("Farah Haddad", Role.AGENT, 2, ("IT",), "Identity & Access Specialist"),
    _agent("Rhys Pritchard", Role.AGENT, 3, ("IT",), "Infrastructure Engineer"),
    _agent("Kwame Asante", Role.AGENT, 1, ("Facilities",), "Estates Helpdesk Coordinator"),
    _agent("Sofia Marquez", Role.AGENT, 1, ("Facilities",), "Multi-skilled Maintenance Operative"),
    _agent("Declan Byrne", Role.AGENT, 2, ("Facilities",), "Maintenance Electrician"),
    _agent("Hana Kobayashi", Role.AGENT, 3, ("Facilities",), "Building Services Engineer"),
    _agent("Grace Mwangi", Role.AGENT, 1, ("HR",), "People Services Adviser"),
    _agent("Oliver Pennington", Role.AGENT, 2, ("HR",), "Payroll Officer"),
)

#: Departments requesters belong to (contractors use their firm's name instead).
DEPARTMENTS: Final[tuple[str, ...]] = (
    "Principalship",
    "Governance",
    "Computing & Digital",
    "Engineering & Motor Vehicle",
    "Health & Social Care",
    "Business & Professional",
    "Creative Arts & Media",
    "Hair & Beauty",
    "Construction Trades",
    "Sport & Public Services",
    "Student Services",
    "Library & Learning Resources",
    "Finance",
    "Human Resources",
    "Marketing & Admissions",
    "Exams Office",
    "Front of House",
    "Catering",
    "Estates",
    "Health & Safety",
)

# (name, group, department, room code, e-mail): e-mail None derives first.last@domain,
# a bare student number becomes <number>@student.<domain>.
_REQUESTER_ROWS: Final[tuple[tuple[str, RequesterGroup, str, str, str | None], ...]] = (
    # Senior leadership and governors.
    ("Helen Achterberg", "vip", "Principalship", "N1.12", None),
    ("Marcus Adeyemi", "vip", "Principalship", "N1.12", None),
    ("Rosalind Teague", "vip", "Finance", "N1.02", None),
    ("Sanjay Mehra-Collins", "vip", "Governance", "N1.15", None),
    ("Ifeoma Nwosu", "vip", "Principalship", "Q2.02", None),
    ("Bartosz Kowalczyk", "vip", "Principalship", "S1.14", None),
    # Staff
    ("Caroline Ashworth", "staff", "Principalship", "N1.12", None),
    ("Aoife Brennan", "staff", "Computing & Digital", "N2.14", None),
    ("Dmitri Volkov", "staff", "Computing & Digital", "N2.16", None),
    ("Yasmin Chaudhry", "staff", "Computing & Digital", "N3.08", None),
    ("Nadia Rahman", "staff", "Computing & Digital", "N2.20", None),
    ("Gareth Pryce", "staff", "Engineering & Motor Vehicle", "T1.09", None),
    ("Nkosana Dlamini", "staff", "Engineering & Motor Vehicle", "T0.07", None),
    ("Ewa Nowak", "staff", "Engineering & Motor Vehicle", "T1.05", None),
    ("Callum Reid", "staff", "Engineering & Motor Vehicle", "T0.03", None),
    ("Rohan Desai", "staff", "Engineering & Motor Vehicle", "T1.12", None),
    ("Blessing Okonkwo", "staff", "Health & Social Care", "S2.09", None),
    ("Isla Ferguson", "staff", "Health & Social Care", "S2.06", None),
    ("Rukhsana Begum", "staff", "Health & Social Care", "S2.09", None),
    ("Bethan Llewellyn", "staff", "Health & Social Care", "S2.09", None),
    ("Thomas Hartley", "staff", "Business & Professional", "S1.14", None),
    ("Leila Farouk", "staff", "Business & Professional", "S1.14", None),
    ("Kenji Watanabe", "staff", "Business & Professional", "S1.11", None),
    ("Imogen Sharpe", "staff", "Creative Arts & Media", "Q2.02", None),
    ("Tunde Olawale", "staff", "Creative Arts & Media", "Q1.07", None),
    ("Paloma Restrepo", "staff", "Creative Arts & Media", "Q1.03", None),
    ("Shanice Clarke", "staff", "Hair & Beauty", "Q0.06", None),
    ("Natalia Popescu", "staff", "Hair & Beauty", "Q0.06", None),
    ("Owain Hughes", "staff", "Construction Trades", "F1.01", None),
    ("Michael Osei", "staff", "Construction Trades", "F1.04", None),
    ("Kirsty Lawson", "staff", "Sport & Public Services", "F0.09", None),
    ("Rafael Oliveira", "staff", "Sport & Public Services", "F0.02", None),
    ("Hannah Goldberg", "staff", "Student Services", "S0.08", None),
    ("Abdi Warsame", "staff", "Student Services", "S0.08", None),
    ("Charlotte Ashdown", "staff", "Student Services", "S0.08", None),
    ("Elspeth Munro", "staff", "Library & Learning Resources", "S0.02", None),
    ("Vikram Iyer", "staff", "Library & Learning Resources", "S0.02", None),
    ("Amira Khalid", "staff", "Finance", "N1.02", None),
    ("Janet Whitfield", "staff", "Finance", "N1.02", None),
    ("Chinedu Eze", "staff", "Finance", "N1.02", None),
    ("Sophie Laurent", "staff", "Finance", "N1.02", None),
    ("Megan Price", "staff", "Human Resources", "N1.06", None),
    ("Arjun Sethi", "staff", "Human Resources", "N1.06", None),
    ("Zara Ahmed", "staff", "Marketing & Admissions", "Q2.05", None),
    ("Lucy Tran", "staff", "Marketing & Admissions", "Q2.05", None),
    ("Patrick Kinsella", "staff", "Marketing & Admissions", "N0.01", None),
    ("Gwen Rowlands", "staff", "Exams Office", "N1.09", None),
    ("Samuel Mensah", "staff", "Exams Office", "N1.09", None),
    ("Deborah Fairweather", "staff", "Front of House", "N0.01", None),
    ("Luca Bianchi", "staff", "Front of House", "Q0.01", None),
    ("Marta Sousa", "staff", "Catering", "S0.12", None),
    ("Antonio Ferraro", "staff", "Catering", "S0.12", None),
    ("Jin-woo Park", "staff", "Catering", "S0.13", None),
    ("Dave Holloway", "staff", "Estates", "T0.14", None),
    ("Precious Moyo", "staff", "Estates", "F0.09", None),
    ("Stuart Kerr", "staff", "Health & Safety", "T0.14", None),
    # Students: addressed by student number, located in their main teaching room.
    ("Jayden Thompson", "students", "Computing & Digital", "N2.14", "s2401187"),
    ("Aaliyah Hussain", "students", "Health & Social Care", "S2.06", "s2400562"),
    ("Kacper Wiśniewski", "students", "Engineering & Motor Vehicle", "T0.07", "s2401903"),
    ("Chloe Evans", "students", "Creative Arts & Media", "Q1.03", "s2300418"),
    ("Mohammed Idris", "students", "Business & Professional", "S1.11", "s2401250"),
    ("Sienna Ward", "students", "Hair & Beauty", "Q0.06", "s2400077"),
    ("Tyrese Lindo", "students", "Sport & Public Services", "F0.02", "s2301642"),
    ("Olivia Nguyen", "students", "Computing & Digital", "N2.16", "s2401338"),
    ("Ethan Mwale", "students", "Construction Trades", "F1.01", "s2400894"),
    ("Freya Lindqvist", "students", "Creative Arts & Media", "Q1.07", "s2300951"),
    ("Harvey Bell", "students", "Engineering & Motor Vehicle", "T1.05", "s2401476"),
    ("Ananya Pillai", "students", "Health & Social Care", "S1.04", "s2400319"),
    ("Dániel Kovács", "students", "Business & Professional", "S1.11", "s2401765"),
    ("Ruby O'Connor", "students", "Computing & Digital", "N3.08", "s2300233"),
    ("Ibrahim Diallo", "students", "Construction Trades", "F1.04", "s2401012"),
    ("Maya Goldstein", "students", "Creative Arts & Media", "Q1.12", "s2400640"),
    ("Noah Adebayo", "students", "Sport & Public Services", "F1.04", "s2401529"),
    ("Zoe Papadopoulos", "students", "Health & Social Care", "S2.06", "s2300776"),
    # Contractors: on site for planned maintenance; they report what they find.
    ("Jorge Ortega", "contractors", "Brightwell Mechanical", "NB.01", "j.ortega@brightwell-mech.example"),
    ("Ciarán Tierney", "contractors", "Brightwell Mechanical", "SB.02", "c.tierney@brightwell-mech.example"),
    ("Piotr Zieliński", "contractors", "Lowmoor Lift Services", "TR.01", "piotr.z@lowmoor-lifts.example"),
    ("Kelechi Obi", "contractors", "Clearwater Cleaning", "S0.15", "kelechi.obi@clearwater-clean.example"),
    ("Tamsin Rowe", "contractors", "Spark & Lane Electrical", "T0.14", "tamsin@sparklane.example"),
    ("Greg Maddox", "contractors", "Ashgrove Fire & Security", "QB.01", "g.maddox@ashgrove-fs.example"),
)


def _requester(index: int, row: tuple[str, RequesterGroup, str, str, str | None]) -> Requester:
    name, group, department, room, email = row
    first, last = name.split()[0], name.split()[-1]
    return Requester(
        name=name,
        email=_requester_email(first, last, email),
        phone=f"555-01{index:02d}",
        department=department,
        group=group,
        site=location(room).site.code,
        room=room,
    )


def _requester_email(first: str, last: str, given: str | None) -> str:
    if given is None:
        return f"{_ascii(first)}.{_ascii(last)}@{_DOMAIN}".lower()
    return given if "@" in given else f"{given}@student.{_DOMAIN}"


REQUESTERS: Final[tuple[Requester, ...]] = tuple(
    _requester(index, row) for index, row in enumerate(_REQUESTER_ROWS)
)
