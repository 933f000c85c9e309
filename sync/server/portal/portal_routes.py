"""The requester portal's routes, under ``/portal`` (HTML forms; no JavaScript needed).

Authorization: every page except signing in needs a live portal session; a requester
reaches only their own tickets (see :mod:`portal_requests`) and published, non-internal
articles (see :mod:`portal_kb`). Anything else — another requester's ticket, a draft, an
id that does not exist, a spent link — is answered with the same "not found" page.
Every POST checks a CSRF token first and changes nothing without it.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from sync.server.db.database import Database
from sync.server.portal import portal_auth, portal_kb, portal_ratings, portal_requests
from sync.server.portal.portal_auth import SignedIn
from sync.server.portal.portal_mail import link_mail, portal_mailbox, send_link
from sync.server.portal.portal_requests import PortalError, Upload
from sync.server.portal.portal_settings import PortalSettings, load_portal_settings
from sync.server.portal.portal_web import (
    PRE_COOKIE,
    SESSION_COOKIE,
    anonymous_csrf,
    check_anonymous_csrf,
    cookie_name,
    page,
    secure_headers,
    set_cookie,
)

__all__ = ["router"]

log = logging.getLogger("outpost.server.portal")
router = APIRouter(prefix="/portal", include_in_schema=False)
T = TypeVar("T")
_STATIC = Path(__file__).parent / "static"
_MAX_FILES = 10


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _now(request: Request) -> datetime:
    clock: Callable[[], datetime] | None = getattr(request.app.state, "portal_clock", None)
    return clock() if clock is not None else datetime.now(UTC)


async def _run(fn: Callable[..., T], *args: Any) -> T:
    return await run_in_threadpool(fn, *args)


async def _settings(request: Request) -> PortalSettings:
    def load() -> PortalSettings:
        with _db(request).read_session() as s:
            return load_portal_settings(s)

    return await _run(load)


async def _who(request: Request) -> SignedIn | None:
    token = request.cookies.get(cookie_name(request, SESSION_COOKIE))
    return await _run(portal_auth.signed_in, _db(request), token, _now(request))


def _to(path: str) -> Response:
    return secure_headers(RedirectResponse(path, status_code=303))


def _not_found(request: Request, who: SignedIn | None) -> Response:
    return page(
        request,
        "message.html",
        404,
        who=who,
        title="Not found",
        message="There is nothing here. It may have been moved, or the address is wrong.",
    )


def _refused(request: Request, who: SignedIn | None) -> Response:
    return page(
        request,
        "message.html",
        403,
        who=who,
        title="Please try again",
        message="This form has expired or did not come from this site. Go back, reload the "
        "page and send it again.",
    )


def _text(form: FormData, name: str, limit: int = 200_000) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


def _csrf_ok(form: FormData, who: SignedIn) -> bool:
    return hmac.compare_digest(_text(form, "csrf", 200).encode(), who.csrf_token.encode())


def _number(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 18 else None


async def _form(request: Request) -> FormData | None:
    try:
        return await request.form(max_files=_MAX_FILES, max_fields=30)
    except (StarletteHTTPException, ValueError, UnicodeDecodeError):  # malformed: the client's fault
        log.info("portal: an unreadable form was refused")
        return None


async def _uploads(form: FormData, settings: PortalSettings) -> list[Upload]:
    files = []
    for item in form.getlist("files"):
        if isinstance(item, UploadFile) and item.filename:
            data = await item.read(settings.attachment_max_bytes + 1)
            name = Path(item.filename.replace("\\", "/")).name
            files.append(Upload(name, item.content_type or "application/octet-stream", data))
    return files


# -- signing in ---------------------------------------------------------------------------
@router.get("")
async def home(request: Request) -> Response:
    who = await _who(request)
    if who is None:
        return _to("/portal/sign-in")
    return page(request, "home.html", who=who)


@router.get("/static/portal.css")
async def stylesheet() -> Response:
    response = FileResponse(_STATIC / "portal.css", media_type="text/css")
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@router.get("/static/suggest.js")
async def suggest_script() -> Response:
    response = FileResponse(_STATIC / "suggest.js", media_type="text/javascript")
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@router.get("/suggestions")
async def suggestions(request: Request, q: str = "") -> Response:
    """Articles for the subject being typed (``suggest.js``), as JSON; signed-in requesters
    only (401 otherwise). The same articles "Check for answers first" shows, fewer."""
    who = await _who(request)
    if who is None:
        return secure_headers(JSONResponse({"articles": []}, status_code=401))
    found = await _run(portal_kb.suggest_articles, _db(request), q[:300], "", 5) if q.strip() else []
    return secure_headers(JSONResponse({"articles": [{"id": a.id, "title": a.title} for a in found]}))


@router.get("/sign-in")
async def sign_in_form(request: Request) -> Response:
    token, fresh = anonymous_csrf(request)
    return page(request, "sign_in.html", csrf=token, new_pre_cookie=fresh)


def _base_url(request: Request, settings: PortalSettings) -> str:
    if settings.base_url:
        return settings.base_url.rstrip("/")
    # The socket the server listens on, never the Host header (which the client chooses).
    host, port = request.scope.get("server") or ("127.0.0.1", 8765)
    return f"{request.url.scheme}://{host}:{port}"


@router.post("/sign-in")
async def sign_in(request: Request, background: BackgroundTasks) -> Response:
    form = await _form(request)
    if form is None or not check_anonymous_csrf(request, _text(form, "csrf", 200)):
        return _refused(request, None)
    address = _text(form, "email", 300).strip()
    if "@" not in address:
        token, fresh = anonymous_csrf(request)
        return page(
            request,
            "sign_in.html",
            400,
            csrf=token,
            new_pre_cookie=fresh,
            email=address,
            error="Please enter your e-mail address.",
        )
    settings = await _settings(request)
    source = request.client.host if request.client else "unknown"
    found = await _run(portal_auth.request_link, _db(request), address, source, settings, _now(request))
    mailbox = await _run(portal_mailbox, _db(request), settings)  # looked up either way: same timing
    if found is not None:
        token, to = found
        url = f"{_base_url(request, settings)}/portal/link/{token}"
        sender = mailbox.address if mailbox is not None else ""
        # Sent after the answer, so a known address takes no longer to answer than an unknown one.
        background.add_task(send_link, mailbox, link_mail(settings, sender, to, url))
    return page(
        request,
        "message.html",
        title="Check your mail",
        message="If this address belongs to someone the help desk knows, a sign-in link is on "
        "its way to it. The link works once, for a short time.",
    )


@router.get("/link/{token}")
async def link_page(request: Request, token: str) -> Response:
    # Opening the link only shows a button: mail scanners that fetch links do not spend it.
    csrf, fresh = anonymous_csrf(request)
    return page(request, "link.html", csrf=csrf, token=token[:100], new_pre_cookie=fresh)


@router.post("/link")
async def redeem(request: Request) -> Response:
    form = await _form(request)
    if form is None or not check_anonymous_csrf(request, _text(form, "csrf", 200)):
        return _refused(request, None)
    settings = await _settings(request)
    session_token = await _run(
        portal_auth.redeem_link, _db(request), _text(form, "token", 200), settings, _now(request)
    )
    if session_token is None:
        return page(
            request,
            "message.html",
            404,
            title="This link cannot be used",
            message="The sign-in link has expired or was used already. Ask for a new one.",
            sign_in=True,
        )
    response = _to("/portal")
    set_cookie(request, response, SESSION_COOKIE, session_token, settings.session_hours * 3600)
    response.delete_cookie(cookie_name(request, PRE_COOKIE), path="/")
    return response


# -- one-click rating links (resolution mails) ---------------------------------------------

_LINK_REFUSALS = {
    portal_ratings.LinkOutcome.BAD: (
        404,
        "This rating link is not valid. Please use the link from the mail as it is.",
    ),
    portal_ratings.LinkOutcome.EXPIRED: (
        410,
        "This rating link has expired. You can still rate the request in the portal.",
    ),
    portal_ratings.LinkOutcome.USED: (409, "A rating was already recorded from this mail. Thank you!"),
    portal_ratings.LinkOutcome.NOT_RESOLVED: (
        409,
        "This request was reopened after the mail was sent, so it cannot be rated yet.",
    ),
}


def _link_refused(request: Request, outcome: portal_ratings.LinkOutcome) -> Response:
    status, message = _LINK_REFUSALS[outcome]
    return page(request, "message.html", status, title="This link cannot be used", message=message)


@router.get("/rate/{token}")
async def rate_page(request: Request, token: str) -> Response:
    # Opening the link only shows the score and a button: mail scanners that fetch links
    # neither record a rating nor spend the mail's links.
    outcome, link = await _run(portal_ratings.check_rating_link, _db(request), token, _now(request))
    if outcome is not portal_ratings.LinkOutcome.OK:
        return _link_refused(request, outcome)
    csrf, fresh = anonymous_csrf(request)
    return page(request, "rate.html", link=link, csrf=csrf, token=token, new_pre_cookie=fresh)


@router.post("/rate")
async def rate_by_link(request: Request) -> Response:
    form = await _form(request)
    if form is None or not check_anonymous_csrf(request, _text(form, "csrf", 200)):
        return _refused(request, None)
    token = _text(form, "token", 300)
    comment = _text(form, "comment").replace("\x00", "").replace("\r\n", "\n").strip()
    if len(comment) > portal_ratings.MAX_RATING_COMMENT:
        comment = comment[: portal_ratings.MAX_RATING_COMMENT]
    outcome, link = await _run(portal_ratings.use_rating_link, _db(request), token, comment, _now(request))
    if outcome is not portal_ratings.LinkOutcome.OK:
        return _link_refused(request, outcome)
    proof = "" if comment else await _run(portal_ratings.comment_proof, _db(request), token)
    csrf, _fresh = anonymous_csrf(request)
    return page(request, "rate.html", link=link, done=True, csrf=csrf, token=token, proof=proof)


@router.post("/rate/comment")
async def rate_comment(request: Request) -> Response:
    form = await _form(request)
    if form is None or not check_anonymous_csrf(request, _text(form, "csrf", 200)):
        return _refused(request, None)
    comment = _text(form, "comment").replace("\x00", "").replace("\r\n", "\n").strip()
    added = await _run(
        portal_ratings.add_link_comment,
        _db(request),
        _text(form, "token", 300),
        _text(form, "proof", 200),
        comment[: portal_ratings.MAX_RATING_COMMENT],
        _now(request),
    )
    if not added:
        return page(
            request,
            "message.html",
            409,
            title="The comment was not added",
            message="This rating already has a comment, or the form did not come from the rating page.",
        )
    return page(request, "message.html", title="Thank you", message="Your comment was added to your rating.")


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    who = await _who(request)
    form = await _form(request)
    if who is None:
        return _to("/portal/sign-in")
    if form is None or not _csrf_ok(form, who):
        return _refused(request, who)
    token = request.cookies.get(cookie_name(request, SESSION_COOKIE)) or ""
    await _run(portal_auth.end_session, _db(request), token)
    response = _to("/portal/sign-in")
    response.delete_cookie(cookie_name(request, SESSION_COOKIE), path="/")
    return response


# -- knowledge base -----------------------------------------------------------------------
@router.get("/kb")
async def kb_search(request: Request, q: str = "") -> Response:
    who = await _who(request)
    if who is None:
        return _to("/portal/sign-in")
    results = await _run(portal_kb.search_articles, _db(request), q) if q.strip() else []
    return page(request, "kb.html", who=who, q=q[:500], results=results, searched=bool(q.strip()))


@router.get("/kb/{article_id}")
async def kb_article(request: Request, article_id: str) -> Response:
    who = await _who(request)
    if who is None:
        return _to("/portal/sign-in")
    article = await _run(portal_kb.published_article, _db(request), article_id)
    if article is None:
        return _not_found(request, who)
    return page(request, "article.html", who=who, article=article)


# -- new request --------------------------------------------------------------------------
@router.get("/new")
async def new_form(request: Request) -> Response:
    who = await _who(request)
    if who is None:
        return _to("/portal/sign-in")
    settings = await _settings(request)
    categories = await _run(portal_requests.portal_categories, _db(request), settings)
    return page(
        request,
        "new.html",
        who=who,
        categories=categories,
        form={},
        suggestions=None,
        max_mb=settings.attachment_max_bytes / 1_048_576,
    )


@router.post("/new")
async def new_request(request: Request) -> Response:
    who = await _who(request)
    if who is None:
        return _to("/portal/sign-in")
    form = await _form(request)
    if form is None or not _csrf_ok(form, who):
        return _refused(request, who)
    settings = await _settings(request)
    db = _db(request)
    fields = {k: _text(form, k) for k in ("subject", "description", "category")}
    categories = await _run(portal_requests.portal_categories, db, settings)
    max_mb = settings.attachment_max_bytes / 1_048_576
    if _text(form, "action", 20) != "submit":
        suggestions = await _run(portal_kb.suggest_articles, db, fields["subject"], fields["description"])
        return page(
            request,
            "new.html",
            who=who,
            categories=categories,
            form=fields,
            suggestions=suggestions,
            max_mb=max_mb,
        )
    try:
        files = await _uploads(form, settings)
        number = await _run(
            portal_requests.create_request,
            db,
            who.person_id,
            settings,
            fields["subject"],
            fields["description"],
            fields["category"],
            files,
            _now(request),
        )
    except PortalError as exc:
        return page(
            request,
            "new.html",
            400,
            who=who,
            categories=categories,
            form=fields,
            suggestions=None,
            error=str(exc),
            max_mb=max_mb,
        )
    return _to(f"/portal/requests/{number}?sent=1")


@router.post("/solved")
async def solved(request: Request) -> Response:
    who = await _who(request)
    if who is None:
        return _to("/portal/sign-in")
    form = await _form(request)
    if form is None or not _csrf_ok(form, who):
        return _refused(request, who)
    article = await _run(portal_kb.published_article, _db(request), _text(form, "article_id", 100))
    if article is None:
        return _not_found(request, who)
    await _run(
        portal_requests.record_deflection,
        _db(request),
        who.person_id,
        article.id,
        _text(form, "subject", 300),
        _now(request),
    )
    return page(
        request,
        "message.html",
        who=who,
        title="Glad that helped",
        message="No request was sent. You can always come back if the problem returns.",
    )


# -- my requests --------------------------------------------------------------------------
@router.get("/requests")
async def my_requests(request: Request) -> Response:
    who = await _who(request)
    if who is None:
        return _to("/portal/sign-in")
    tickets = await _run(portal_requests.my_tickets, _db(request), who.person_id)
    return page(request, "requests.html", who=who, tickets=tickets)


async def _ticket_page(
    request: Request, who: SignedIn, number: int, status: int = 200, **extra: Any
) -> Response:
    settings = await _settings(request)
    ticket = await _run(portal_requests.my_ticket, _db(request), who.person_id, number)
    if ticket is None:
        return _not_found(request, who)
    return page(
        request,
        "request.html",
        status,
        who=who,
        ticket=ticket,
        sent=request.query_params.get("sent"),
        max_mb=settings.attachment_max_bytes / 1_048_576,
        reopen_days=settings.reopen_days,
        **extra,
    )


@router.get("/requests/{number}")
async def one_request(request: Request, number: str) -> Response:
    who = await _who(request)
    if who is None:
        return _to("/portal/sign-in")
    n = _number(number)
    if n is None:
        return _not_found(request, who)
    return await _ticket_page(request, who, n)


@router.get("/requests/{number}/files/{attachment_id}")
async def one_file(request: Request, number: str, attachment_id: str) -> Response:
    who = await _who(request)
    if who is None:
        return _to("/portal/sign-in")
    n = _number(number)
    found = (
        await _run(portal_requests.file_bytes, _db(request), who.person_id, n, attachment_id) if n else None
    )
    if found is None:
        return _not_found(request, who)
    filename, _mime, data = found
    # Always a download, never rendered here: an uploaded HTML file must not run as the portal.
    response = Response(data, media_type="application/octet-stream")
    safe = "".join(ch for ch in filename if ch.isalnum() or ch in "._- ")[:120] or "file"
    response.headers["Content-Disposition"] = f'attachment; filename="{safe}"'
    return secure_headers(response)


@router.post("/requests/{number}/{action}")
async def act_on_request(request: Request, number: str, action: str) -> Response:
    who = await _who(request)
    if who is None:
        return _to("/portal/sign-in")
    n = _number(number)
    if n is None or action not in ("reply", "rate", "reopen"):
        return _not_found(request, who)
    form = await _form(request)
    if form is None or not _csrf_ok(form, who):
        return _refused(request, who)
    settings = await _settings(request)
    db, now = _db(request), _now(request)
    try:
        if action == "reply":
            files = await _uploads(form, settings)
            ok = await _run(
                portal_requests.add_reply, db, who.person_id, n, _text(form, "body"), files, settings, now
            )
        elif action == "rate":
            score = _number(_text(form, "score", 5)) or 0
            ok = await _run(portal_requests.rate, db, who.person_id, n, score, _text(form, "comment"), now)
        else:
            ok = await _run(
                portal_requests.reopen, db, who.person_id, n, _text(form, "reason"), settings, now
            )
    except PortalError as exc:
        return await _ticket_page(request, who, n, 400, error=str(exc))
    if not ok:
        return _not_found(request, who)
    return _to(f"/portal/requests/{n}#{action}")
