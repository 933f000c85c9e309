"""Ticket templates for the demo organisation: recombinable stories, not fixed tickets.

A template is one kind of ticket as a help desk really sees it: the requester's words, what
agents reply, what they note for each other, what the requester writes back, how it was
resolved, the work logged and the parts used. Text carries ``{slot}`` placeholders from
:data:`SLOTS` only, with no conversions or format specs, so the generator fills every text of a
ticket with ``text.format_map(values)`` from one dict describing that ticket (the requester, the
room, the asset, the assigned agent...). Replies carry no signature; the app adds one.

Per-template choices the generator draws from:

* ``asset_pattern`` formats with ``n`` only (``"LAPTOP-{n:05d}"``) and gives the ``{asset}`` slot;
  it is None when no text mentions ``{asset}``.
* ``devices`` are the choices for ``{device}``; empty when no text mentions it.
* ``room_kinds`` say where the ticket happens (``{room}`` etc. come from a room of one of those
  kinds on the requester's site); empty means the requester's own room.
* ``requester_groups`` say who typically raises it; empty means anyone.
* ``weight`` is the relative frequency (a password lockout is far more common than a lift
  entrapment); ``minutes`` the typical work time; ``article`` the slug of the published
  knowledge-base article an agent would link.
"""

from __future__ import annotations

from dataclasses import dataclass
from string import Formatter
from types import MappingProxyType
from typing import Final

from sync.demo.content_people import RequesterGroup, RoomKind
from sync.domain.ticket_type import TicketType

__all__ = [
    "SAMPLE_SLOTS",
    "SLOTS",
    "SLOT_DESCRIPTIONS",
    "TICKET_TEMPLATES",
    "TicketTemplate",
    "template_slots",
]

#: What each slot means. The generator must supply every one of them for each ticket.
SLOT_DESCRIPTIONS: Final[MappingProxyType[str, str]] = MappingProxyType(
    {
        "requester_first": "the requester's first name: 'Amira'",
        "requester_name": "the requester's full name: 'Amira Khalid'",
        "department": "the requester's department: 'Finance'",
        "site": "the site's name: 'Main Campus'",
        "building": "the building's name: 'North Building'",
        "room": "the room as people say it: 'Room N2.14', 'Plant room B1'",
        "location": "building and room: 'North Building, Room N2.14'",
        "asset": "the asset tag from the template's asset_pattern: 'LAPTOP-00412'",
        "device": "one of the template's devices: 'headset'",
        "agent_first": "the assigned agent's first name: 'Liam'",
        "agent_name": "the assigned agent's full name: 'Liam Fitzgerald'",
        "weekday": "a working day near the ticket's date: 'Tuesday'",
        "time": "a clock time in the working day, 24-hour: '09:40'",
        "count": "a small whole number, 2 to 25: '6'",
        "ticket": "the ticket's reference: '#1042'",
    }
)

#: Every placeholder a template text may use.
SLOTS: Final[frozenset[str]] = frozenset(SLOT_DESCRIPTIONS)

#: One consistent set of slot values, for tests, previews and documentation.
SAMPLE_SLOTS: Final[MappingProxyType[str, str]] = MappingProxyType(
    {
        "requester_first": "Amira",
        "requester_name": "Amira Khalid",
        "department": "Finance",
        "site": "Main Campus",
        "building": "North Building",
        "room": "Room N1.02",
        "location": "North Building, Room N1.02",
        "asset": "LAPTOP-00412",
        "device": "headset",
        "agent_first": "Liam",
        "agent_name": "Liam Fitzgerald",
        "weekday": "Tuesday",
        "time": "09:40",
        "count": "6",
        "ticket": "#1042",
    }
)


def template_slots(text: str) -> frozenset[str]:
    """The placeholder names in ``text`` ("{room}" -> "room"); "{{" and "}}" are literal braces."""
    return frozenset(field for _, field, _, _ in Formatter().parse(text) if field is not None)


@dataclass(frozen=True, slots=True)
class TicketTemplate:
    key: str  # stable, unique: lets a generated ticket say which story it came from
    queue: str  # Queue.name
    category: str  # one of that queue's categories
    type: TicketType
    subject: str
    description: str
    impact: int  # 1 high .. 3 low (sync.domain.priority.Impact)
    urgency: int  # 1 high .. 3 low (sync.domain.priority.Urgency)
    tags: tuple[str, ...]
    replies: tuple[str, ...]  # agent to requester, in the order they would be sent
    notes: tuple[str, ...]  # internal, agents only
    followups: tuple[str, ...]  # requester to agent
    resolution: str
    work_log: tuple[str, ...]
    minutes: int  # typical total work time
    parts: tuple[str, ...] = ()
    asset_pattern: str | None = None
    devices: tuple[str, ...] = ()
    room_kinds: tuple[RoomKind, ...] = ()
    requester_groups: tuple[RequesterGroup, ...] = ()
    weight: int = 1
    article: str | None = None  # Article.slug

    @property
    def texts(self) -> tuple[str, ...]:
        """Every text that carries slots, to fill with ``str.format_map``."""
        return (
            self.subject,
            self.description,
            *self.replies,
            *self.notes,
            *self.followups,
            self.resolution,
            *self.work_log,
        )

    @property
    def slots(self) -> frozenset[str]:
        """The slots this template's texts use."""
        return frozenset().union(*(template_slots(text) for text in self.texts))


_INCIDENT = TicketType.INCIDENT
_REQUEST = TicketType.SERVICE_REQUEST
_QUESTION = TicketType.QUESTION
_LAPTOP = "LAPTOP-{n:05d}"

_IT: Final[tuple[TicketTemplate, ...]] = (
    TicketTemplate(
        key="it-vpn-connect",
        queue="IT",
        category="Network",
        type=_INCIDENT,
        subject="VPN won't connect from home",
        description=(
            "Hi, working from home today and the VPN just sits on 'Connecting...' then says "
            "'Unable to reach secure gateway'. Home broadband is fine, I can browse normally. "
            "Laptop is {asset}. I need the S: drive for the {department} reports by end of day."
        ),
        impact=3,
        urgency=2,
        tags=("vpn", "remote"),
        asset_pattern=_LAPTOP,
        requester_groups=("staff", "vip"),
        replies=(
            "Hi {requester_first}, thanks. Can you tell me whether you're on home Wi-Fi or a phone "
            "hotspot? Meanwhile please do a full restart (Start > Power > Restart, not just closing "
            "the lid) and try once more.",
            "Hi {requester_first}, the VPN client on {asset} was two versions behind and the gateway "
            "no longer accepts it. I've pushed the update remotely; reboot when it finishes and "
            "connect to vpn.larkhaven.example. The linked article has the steps if it asks you to "
            "sign in again.",
        ),
        notes=(
            "Gateway log: TLS handshake failures from this user since {weekday}. Client 5.1, "
            "minimum supported is 5.3.",
            "Phone hotspot connects fine too once updated, so not the home router.",
        ),
        followups=(
            "Restarted, still the same. Home Wi-Fi.",
            "That's done it, connected and I can see S: now. Thanks!",
        ),
        resolution=(
            "VPN client on {asset} updated from 5.1 to 5.4 by remote push; requester rebooted and "
            "connected. Pointed to the VPN article for next time."
        ),
        work_log=(
            "Checked client version and gateway logs.",
            "Pushed client update, confirmed connection with requester by phone.",
        ),
        minutes=25,
        weight=4,
        article="vpn-connect-from-home",
    ),
    TicketTemplate(
        key="it-wifi-join",
        queue="IT",
        category="Network",
        type=_INCIDENT,
        subject="Can't connect to LVC-Secure on my {device}",
        description=(
            "My {device} keeps saying 'can't connect to this network' for LVC-Secure. It worked "
            "last term. I've typed my password again and it still won't. I'm in {location}."
        ),
        impact=3,
        urgency=2,
        tags=("wifi", "lvc-secure"),
        devices=("phone", "tablet", "personal laptop"),
        requester_groups=("students", "staff"),
        replies=(
            "Hi {requester_first}, this usually happens after a password change: the {device} "
            "still has the old one saved. Please 'forget' LVC-Secure and join again with your full "
            "college e-mail address as the username. Settings are in the linked article (PEAP, "
            "MSCHAPV2, domain larkhaven.example).",
            "Hi {requester_first}, if it still fails, bring the {device} to the IT Service Desk "
            "(North Building, N0.04) and we'll set it up with you. Takes five minutes.",
        ),
        notes=(
            "RADIUS log: repeated rejects, reason bad password. Password reset on {weekday}, "
            "device still using cached one.",
            "Device set to 'Do not validate' CA; newer Android refuses that. Needs system certs + domain.",
        ),
        followups=(
            "Forgot it and re-added, now it asks about a CA certificate and I don't know what to pick.",
            "Working now, thanks",
        ),
        resolution=(
            "Stale saved password on the {device}. Forgot the network and rejoined with PEAP/MSCHAPV2, "
            "system CA certificates and domain larkhaven.example. Connected."
        ),
        work_log=("Checked RADIUS logs for the account.", "Talked requester through rejoining LVC-Secure."),
        minutes=15,
        weight=5,
        article="wifi-lvc-secure",
    ),
    TicketTemplate(
        key="it-network-room-down",
        queue="IT",
        category="Network",
        type=_INCIDENT,
        subject="No network on the PCs in {room}",
        description=(
            "None of the PCs in {room} have network since this morning, just the globe icon and "
            "'No internet'. Wi-Fi on phones still works. I've got {count} students in here at {time}."
        ),
        impact=2,
        urgency=1,
        tags=("network", "switch", "outage"),
        asset_pattern="SW-{n:03d}",
        room_kinds=("lab", "classroom", "library"),
        requester_groups=("staff",),
        replies=(
            "Hi {requester_first}, we can see the switch serving {room} ({asset}) dropped off at "
            "07:52. A technician is on the way over now.",
            "Hi {requester_first}, network is back in {room}. A patch lead had been plugged between "
            "two floor ports, which looped the switch; we've removed it and turned on protection so it "
            "can't take the room down again. Restart any PC that still shows no connection.",
        ),
        notes=(
            "{asset} down in monitoring since 07:52. Uplink on the core shows err-disabled (BPDU guard).",
            "Found patch lead looped between floor boxes 14 and 15 under bench 3. Removed, bounced "
            "uplink, enabled storm control on the access ports.",
        ),
        followups=("Any ETA? Class starts at {time}.", "All working, thank you for the quick response."),
        resolution=(
            "Patch lead looped between two floor ports took {asset} offline (uplink err-disabled). Lead "
            "removed, port recovered, storm control enabled on the access ports in {room}."
        ),
        work_log=(
            "Remote diagnosis from monitoring and core switch logs.",
            "Attended {room}: traced and removed looped lead, recovered uplink.",
            "Enabled storm control on {asset}, tested every PC in the room.",
        ),
        minutes=60,
    ),
    TicketTemplate(
        key="it-wifi-drops",
        queue="IT",
        category="Network",
        type=_INCIDENT,
        subject="Wi-Fi keeps dropping in {location}",
        description=(
            "Wi-Fi in {room} has been really patchy since {weekday}. Students keep getting kicked off "
            "during online tests and a Teams call with an external examiner dropped twice. Fine by the "
            "door, nothing by the windows."
        ),
        impact=2,
        urgency=2,
        tags=("wifi", "access-point"),
        asset_pattern="AP-{n:03d}",
        room_kinds=("classroom", "library", "hall", "studio"),
        replies=(
            "Hi {requester_first}, thanks for the detail. The access point in {room} ({asset}) has been "
            "restarting every few hours, so we'll replace it. When is the room free for 30 minutes?",
            "Hi {requester_first}, the access point is replaced and we've checked the signal at the "
            "window end. Let us know if the drops come back.",
        ),
        notes=(
            "Controller shows {asset} rebooting roughly every 3h, PoE warnings on the switch port. "
            "Swapping the AP rather than chasing it.",
            "Old AP back to stock tagged faulty, RMA raised with the supplier.",
        ),
        followups=("Free on {weekday} from {time} for an hour.", "Much better so far, thanks."),
        resolution=(
            "{asset} was rebooting repeatedly (failing PoE negotiation). Access point replaced; signal "
            "-60 dBm or better across {room}."
        ),
        work_log=(
            "Reviewed wireless controller logs for {asset}.",
            "Replaced access point, walked the room.",
        ),
        parts=("1x ceiling access point (spare stock)",),
        minutes=75,
        weight=2,
    ),
    TicketTemplate(
        key="it-mapped-drives",
        queue="IT",
        category="Network",
        type=_INCIDENT,
        subject="H: and S: drives missing",
        description=(
            "My H: and S: drives have disappeared from This PC. Working in {location} today. "
            "Was fine last week."
        ),
        impact=3,
        urgency=2,
        tags=("drives", "file-share"),
        requester_groups=("staff", "vip"),
        replies=(
            "Hi {requester_first}, the drives are only connected if the laptop can reach the college "
            "network when you sign in. Off site, connect the VPN and then lock and unlock the laptop. "
            "On site, restart while plugged in to a network point.",
            "Hi {requester_first}, your drives were still mapped to an old server name. We've updated "
            "the mappings; please sign out and back in.",
        ),
        notes=("Drive maps failed: signed in before Wi-Fi was up. gpupdate /force, drives back.",),
        followups=("Connected the VPN and locked/unlocked, drives are back.",),
        resolution=(
            "Drive mappings not applied because the laptop signed in with no network. Policy re-applied, "
            "drives restored; requester shown the VPN + lock/unlock step."
        ),
        work_log=("Remote session: re-applied group policy and checked mappings.",),
        minutes=15,
        weight=3,
        article="mapped-drives",
    ),
    TicketTemplate(
        key="it-account-locked",
        queue="IT",
        category="Accounts & access",
        type=_REQUEST,
        subject="Locked out of my account",
        description=(
            "I've been locked out. Tried my password a few times after the holiday and now it says "
            "the account is locked. Can you unlock it please? I'm in {location} with a class at {time}."
        ),
        impact=3,
        urgency=1,
        tags=("password", "lockout", "account"),
        replies=(
            "Hi {requester_first}, I've unlocked your account. If you're not sure of the password, reset "
            "it yourself at https://account.larkhaven.example/reset (guide linked). Then update it on your "
            "phone's e-mail and Wi-Fi, or they'll lock you out again.",
            "Hi {requester_first}, I've called you on the number we hold and read you a temporary "
            "password. You'll be asked to change it when you sign in.",
        ),
        notes=(
            "Lockout source: requester's own phone retrying the old password over ActiveSync. Unlocked.",
            "Identity verified by callback to the number on the HR record before reset.",
        ),
        followups=("Unlocked but it's locked again after ten minutes??", "All sorted now, thank you."),
        resolution=(
            "Account unlocked. Lockouts came from the old password saved on the requester's phone; updated "
            "on the phone and the account has stayed unlocked."
        ),
        work_log=("Identity check and unlock.", "Traced lockout source, advised on phone mail settings."),
        minutes=10,
        weight=8,
        article="password-reset",
    ),
    TicketTemplate(
        key="it-mfa-new-phone",
        queue="IT",
        category="Accounts & access",
        type=_REQUEST,
        subject="New phone, need my MFA moved across",
        description=(
            "Got a new phone at the weekend and traded the old one in, so I can't approve sign-in "
            "prompts any more. Can you reset my authenticator? I can only get into e-mail on the "
            "desktop in {room}."
        ),
        impact=3,
        urgency=2,
        tags=("mfa", "authenticator"),
        requester_groups=("staff", "vip"),
        replies=(
            "Hi {requester_first}, to protect your account I need to confirm it's you first, so I'll "
            "ring the desk phone in {room} in a few minutes. Once verified I'll clear the old phone.",
            "Hi {requester_first}, done. Next time you sign in you'll be asked to set up the "
            "authenticator again; the linked MFA article walks through it in about two minutes.",
        ),
        notes=(
            "Verified by callback to desk extension. Old authenticator method deleted, re-registration "
            "required.",
        ),
        followups=("Set the app up again, all working. Thanks.",),
        resolution=(
            "Identity verified by callback; old authenticator removed and re-registration required. "
            "Requester enrolled the new phone."
        ),
        work_log=("Callback verification, MFA methods reset.",),
        minutes=15,
        weight=3,
        article="mfa-enrolment",
    ),
    TicketTemplate(
        key="it-shared-mailbox",
        queue="IT",
        category="Accounts & access",
        type=_REQUEST,
        subject="Access to the {department} shared mailbox",
        description=(
            "Could I please have access to the {department} shared mailbox? I'm covering enquiries while "
            "a colleague is off. My line manager is happy with it."
        ),
        impact=3,
        urgency=3,
        tags=("mailbox", "permissions"),
        requester_groups=("staff",),
        replies=(
            "Hi {requester_first}, we need the mailbox owner's approval before adding anyone. I've e-mailed "
            "them and will pick this up as soon as they reply.",
            "Hi {requester_first}, you now have full access and send-as on the {department} mailbox. It "
            "will appear in Outlook by itself within the hour; if not, restart Outlook or add it by hand "
            "(steps in the linked article).",
        ),
        notes=("Owner approved by e-mail on {weekday}. FullAccess with automapping + SendAs granted.",),
        followups=("Any update? Still not showing.", "It's appeared in Outlook now, thanks."),
        resolution=(
            "Owner approval received; full access and send-as granted on the {department} shared mailbox, "
            "auto-mapped in the requester's Outlook."
        ),
        work_log=("Requested owner approval.", "Granted permissions, confirmed with requester."),
        minutes=15,
        weight=3,
        article="shared-mailbox-outlook",
    ),
    TicketTemplate(
        key="it-folder-access",
        queue="IT",
        category="Accounts & access",
        type=_REQUEST,
        subject="Access to a {department} folder on S:",
        description=(
            "I need read/write access to the Quality folder under {department} on the S: drive to update "
            "course files before the audit on {weekday}. At the moment it says access denied."
        ),
        impact=3,
        urgency=3,
        tags=("permissions", "file-share"),
        requester_groups=("staff",),
        replies=(
            "Hi {requester_first}, access to that folder is decided by its owner in {department}. I've asked "
            "them to approve and will add you as soon as they do.",
            "Hi {requester_first}, you've been added. Group membership only refreshes when you sign in, so "
            "please sign out and back in before trying the folder again.",
        ),
        notes=("Owner approved. Added to the folder's RW security group.",),
        followups=("Still says access denied.", "Signed out and in, works now."),
        resolution=(
            "Owner approved; requester added to the folder's read/write group. Access confirmed after a "
            "sign-out refreshed group membership."
        ),
        work_log=("Owner approval chased and group membership changed.",),
        minutes=10,
        weight=3,
        article="mapped-drives",
    ),
    TicketTemplate(
        key="it-new-starter",
        queue="IT",
        category="Accounts & access",
        type=_REQUEST,
        subject="New starter in {department} on {weekday}",
        description=(
            "We have a new lecturer starting in {department} on {weekday}. HR have the paperwork. Could they "
            "have an account, e-mail, a laptop and access to the department S: folder and Teams team please? "
            "Their desk is in {room}."
        ),
        impact=3,
        urgency=2,
        tags=("new-starter", "account", "laptop"),
        asset_pattern=_LAPTOP,
        requester_groups=("staff", "vip"),
        replies=(
            "Hi {requester_first}, thanks. The account is created automatically once HR complete the "
            "starter record; I can see that's due tonight. I'll prepare the laptop and add the folder and "
            "Teams access tomorrow.",
            "Hi {requester_first}, all ready: account active, laptop {asset} on the desk in {room}, folder "
            "and Teams access added. The temporary password is in a separate e-mail; they'll set up MFA "
            "when they first sign in.",
        ),
        notes=(
            "Starter record complete, account provisioned by overnight sync. Imaged {asset}, assigned in "
            "register.",
        ),
        followups=("Do they need anything from IT on day one?",),
        resolution=(
            "Account provisioned from the HR record, laptop {asset} imaged and delivered to {room}, folder "
            "and Teams access granted."
        ),
        work_log=("Imaged and asset-tagged {asset}.", "Delivered laptop and checked first sign-in works."),
        minutes=90,
        weight=2,
    ),
    TicketTemplate(
        key="it-student-login",
        queue="IT",
        category="Accounts & access",
        type=_INCIDENT,
        subject="Can't log in to the computers in {room}",
        description=(
            "i cant log into the computers in {room}, it says the user name or password is incorrect but "
            "it works on my phone for email. assignment due at {time}"
        ),
        impact=3,
        urgency=1,
        tags=("login", "student", "password"),
        room_kinds=("lab", "library"),
        requester_groups=("students",),
        replies=(
            "Hi {requester_first}, the lab PCs want your short username, not your e-mail address: type "
            "LVC\\ followed by your student number. If that doesn't work, come to the Service Desk in "
            "N0.04 with your student card.",
            "Hi {requester_first}, your password had expired. It still worked on your phone because the mail "
            "app hadn't checked again yet. I've sent a reset link to the personal e-mail on your record.",
        ),
        notes=(
            "Password expired {weekday}; phone still had a valid session. SSPR link sent to personal "
            "address.",
        ),
        followups=("it still says incorrect", "ok that worked thanks"),
        resolution="Expired password. Student reset it with the self-service link and logged in in {room}.",
        work_log=("Checked account status, sent reset link.",),
        minutes=10,
        weight=4,
        article="password-reset",
    ),
    TicketTemplate(
        key="it-laptop-no-power",
        queue="IT",
        category="Hardware",
        type=_INCIDENT,
        subject="Laptop {asset} won't turn on",
        description=(
            "My laptop won't switch on at all. No lights when I plug it in. It was fine yesterday, I left it "
            "in the dock overnight. Meeting at {time} and all my notes are on it."
        ),
        impact=3,
        urgency=1,
        tags=("laptop", "power"),
        asset_pattern=_LAPTOP,
        requester_groups=("staff", "vip"),
        replies=(
            "Hi {requester_first}, sorry about that. Please try a power reset: unplug the charger and the "
            "dock, hold the power button for 30 seconds, then connect just the charger and wait two minutes "
            "before pressing power.",
            "Hi {requester_first}, bring it to the Service Desk in North Building N0.04 and we'll give you a "
            "loan laptop straight away. Your files are in OneDrive, so they'll be there when you sign in.",
        ),
        notes=(
            "Hard reset failed; no charge LED with a known-good 65W USB-C charger. Board fault. Warranty "
            "case logged, loan issued.",
        ),
        followups=("Tried that, still nothing.", "Picked up the loan one, all my files are there. Thanks."),
        resolution=(
            "No power after a hard reset and with a known-good charger: system board fault. Loan laptop "
            "issued the same day; {asset} repaired under warranty and returned."
        ),
        work_log=(
            "Phone triage: power reset steps.",
            "Bench test with known-good charger, loan laptop issued.",
            "Warranty repair booked, repaired laptop returned to requester.",
        ),
        minutes=50,
        weight=3,
    ),
    TicketTemplate(
        key="it-bitlocker-prompt",
        queue="IT",
        category="Hardware",
        type=_INCIDENT,
        subject="BitLocker recovery key needed on {asset}",
        description=(
            "Laptop has come up with a blue screen asking for a BitLocker recovery key. I haven't changed "
            "anything, I think it did an update last night."
        ),
        impact=3,
        urgency=1,
        tags=("bitlocker", "encryption", "laptop"),
        asset_pattern=_LAPTOP,
        replies=(
            "Hi {requester_first}, I can give you the key once I've confirmed it's you, so I'll phone you "
            "now. Please have the laptop in front of you and read me the first 8 characters of the Key ID.",
            "Hi {requester_first}, glad it's started. This usually follows a firmware update; we've "
            "re-sealed the encryption to the laptop's security chip so it shouldn't ask again. Tell us if it "
            "does.",
        ),
        notes=(
            "Key ID matched the directory record for {asset}; key read out after callback. BIOS update "
            "applied overnight (PCR7 change).",
        ),
        followups=("It asked for the key again after another restart.",),
        resolution=(
            "Recovery key given after identity check; prompt caused by an overnight BIOS update. Protection "
            "suspended and resumed to re-seal to the TPM; no further prompts."
        ),
        work_log=("Callback verification and key retrieval.", "Remote: suspend/resume BitLocker."),
        minutes=20,
        weight=2,
        article="bitlocker-recovery",
    ),
    TicketTemplate(
        key="it-dock-monitors",
        queue="IT",
        category="Hardware",
        type=_INCIDENT,
        subject="Monitors not working on the dock in {room}",
        description=(
            "Both screens on the dock at my desk in {room} stay black since this morning. Laptop screen "
            "works. Tried the other USB-C port, same."
        ),
        impact=3,
        urgency=2,
        tags=("dock", "monitor"),
        asset_pattern="DOCK-{n:04d}",
        replies=(
            "Hi {requester_first}, this is a known issue with that dock after sleep. Unplug the USB-C cable "
            "from the laptop, wait 10 seconds and plug it back in; if the screens stay black, unplug the "
            "dock's power for 30 seconds. Details in the linked article.",
            "Hi {requester_first}, we've updated the dock's firmware remotely. Leave the laptop docked and "
            "restart it once this afternoon.",
        ),
        notes=(
            "{asset} on firmware 1.0.12; fix is in 1.0.18. Pushed via management tool with graphics driver.",
        ),
        followups=("Replugging worked but it happened again after lunch.", "Fine since the update, thanks."),
        resolution=(
            "Known error: dock firmware fails to wake displays after sleep. Firmware updated on {asset} and "
            "graphics driver updated on the laptop; displays wake normally."
        ),
        work_log=("Remote firmware and driver update.",),
        minutes=25,
        weight=3,
        article="dock-monitors-after-sleep",
    ),
    TicketTemplate(
        key="it-equipment-request",
        queue="IT",
        category="Hardware",
        type=_REQUEST,
        subject="Request for a {device}",
        description=(
            "Please could I have a {device} for my desk in {room}? I'm doing a lot more online teaching now. "
            "The budget holder in {department} has approved it."
        ),
        impact=3,
        urgency=3,
        tags=("equipment", "request"),
        devices=("second monitor", "headset", "webcam", "wireless keyboard and mouse", "laptop stand"),
        requester_groups=("staff", "vip"),
        replies=(
            "Hi {requester_first}, we have a {device} in stock. I'll bring it to {room} on {weekday} "
            "morning, is that OK?",
            "Hi {requester_first}, delivered and set up. If Teams doesn't pick it up, choose it under "
            "Settings > Devices.",
        ),
        notes=("Issued from stock; asset register updated against requester.",),
        followups=("{weekday} is fine, I'm in from 9.",),
        resolution="{device} issued from stock, delivered to {room} and set up with the requester.",
        work_log=("Picked from stock, delivered and set up.",),
        minutes=20,
        weight=3,
    ),
    TicketTemplate(
        key="it-lab-pc-no-boot",
        queue="IT",
        category="Hardware",
        type=_INCIDENT,
        subject="PC {asset} in {room} not booting",
        description=(
            "The PC at the end of row 2 in {room} ({asset} on the sticker) just shows 'No bootable device'. "
            "Students are having to double up."
        ),
        impact=3,
        urgency=2,
        tags=("pc", "lab", "disk"),
        asset_pattern="LABPC-{n:04d}",
        room_kinds=("lab", "library"),
        requester_groups=("staff", "students"),
        replies=(
            "Hi {requester_first}, thanks for the asset number. We'll look at it between lessons today; "
            "please leave an 'out of order' note on it.",
            "Hi {requester_first}, the PC's drive had failed. It has been replaced and re-imaged and is back "
            "in use.",
        ),
        notes=("SMART failure on the SSD. Replaced, re-imaged from the lab build, rejoined domain.",),
        followups=("Any news on this? Still out of action.",),
        resolution=(
            "Failed SSD in {asset}. Drive replaced, re-imaged with the current lab build, logon and software "
            "tested."
        ),
        work_log=("Diagnosed on site.", "Replaced SSD and re-imaged."),
        parts=("1x 256GB NVMe SSD",),
        minutes=70,
        weight=3,
    ),
    TicketTemplate(
        key="it-projector-no-signal",
        queue="IT",
        category="AV & classrooms",
        type=_INCIDENT,
        subject="Projector in {room}: no signal",
        description=(
            "Projector says 'No signal' even though my laptop is plugged into the HDMI on the desk plate. "
            "Class of {count} waiting, started at {time}."
        ),
        impact=2,
        urgency=1,
        tags=("projector", "av", "classroom"),
        asset_pattern="PRJ-{n:03d}",
        room_kinds=("classroom", "hall", "meeting"),
        requester_groups=("staff",),
        replies=(
            "Hi {requester_first}, on the laptop press Windows + P and choose Duplicate, then press Source "
            "on the wall panel until it shows HDMI 1. If that doesn't do it someone will be with you in 10 "
            "minutes.",
            "Hi {requester_first}, the HDMI cable in the floor box was damaged. We've replaced it and tested "
            "with a laptop and the room PC.",
        ),
        notes=("Attended: HDMI lead crushed by the floor box lid. Replaced with 3m lead and a cable tidy.",),
        followups=("Windows+P did it, thank you!", "Still nothing on the screen."),
        resolution=(
            "Damaged HDMI cable at the desk floor box in {room}. Replaced and tested with staff laptop and "
            "room PC; lamp hours on {asset} checked."
        ),
        work_log=("Attended {room}, replaced HDMI lead and tested.",),
        parts=("1x HDMI cable 3m",),
        minutes=30,
        weight=4,
        article="classroom-projector",
    ),
    TicketTemplate(
        key="it-outlook-loading-profile",
        queue="IT",
        category="Email & Teams",
        type=_INCIDENT,
        subject="Outlook stuck on 'Loading profile'",
        description=(
            "Outlook won't open, sits on 'Loading profile' forever then goes 'Not responding'. Webmail works "
            "fine. Restarted twice."
        ),
        impact=3,
        urgency=2,
        tags=("outlook", "email"),
        replies=(
            "Hi {requester_first}, thanks for trying the restarts. Next step is a fresh Outlook profile. It "
            "takes a few minutes and your mail is safe on the server. Steps are in the linked article, or I "
            "can connect remotely at {time} if that suits.",
            "Hi {requester_first}, new profile created and Outlook is downloading your mailbox. It may be "
            "slow for an hour while it syncs; shared mailboxes will reappear on their own.",
        ),
        notes=(
            "Safe mode (outlook.exe /safe) hangs too, so not an add-in. OST 48 GB. New profile, cached mode "
            "12 months.",
        ),
        followups=("Yes {time} is fine.", "Working again, thank you!"),
        resolution=(
            "Damaged profile with an oversized offline cache. New Outlook profile created with cached mode "
            "limited to 12 months; Outlook opens normally."
        ),
        work_log=("Remote session: safe-mode test, new profile, resync.",),
        minutes=35,
        weight=4,
        article="outlook-profile-rebuild",
    ),
    TicketTemplate(
        key="it-outlook-password-prompts",
        queue="IT",
        category="Email & Teams",
        type=_INCIDENT,
        subject="Outlook keeps asking for my password",
        description=(
            "Since I changed my password on {weekday}, Outlook keeps popping up a box asking for it. I type "
            "it in and it comes back five minutes later."
        ),
        impact=3,
        urgency=2,
        tags=("outlook", "password", "known-error"),
        replies=(
            "Hi {requester_first}, this is a known problem after a password change: Windows is holding an "
            "old saved sign-in. Please follow the workaround in the linked article (clear the Office entries "
            "in Credential Manager, then restart Outlook).",
            "Hi {requester_first}, I've cleared the saved sign-ins over a remote session. Sign in once more "
            "when Outlook asks.",
        ),
        notes=(
            "Removed 3 stale MicrosoftOffice16 entries from Credential Manager; signed out of Office and "
            "back in.",
        ),
        followups=("Did the Credential Manager bit but it's still asking.",),
        resolution=(
            "Stale cached credentials after a password change. Office entries removed from Credential "
            "Manager and account re-authenticated; no further prompts."
        ),
        work_log=("Remote session: cleared cached credentials.",),
        minutes=20,
        weight=3,
        article="outlook-password-prompts",
    ),
    TicketTemplate(
        key="it-teams-mic",
        queue="IT",
        category="Email & Teams",
        type=_INCIDENT,
        subject="People can't hear me on Teams",
        description=(
            "On Teams calls nobody can hear me, I can hear them fine. Using my {device}. I'm on an interview "
            "panel at {time}."
        ),
        impact=3,
        urgency=1,
        tags=("teams", "audio", "microphone"),
        devices=("headset", "laptop microphone", "webcam microphone"),
        replies=(
            "Hi {requester_first}, in Teams go to Settings > Devices, check the Microphone list shows your "
            "{device}, then use 'Make a test call'. Also check Windows Settings > Privacy & security > "
            "Microphone has microphone access switched on.",
            "Hi {requester_first}, the {device} was muted by its own switch, which is easy to miss. All "
            "clear on the test call now.",
        ),
        notes=(
            "Teams was using 'Microphone Array' not the headset; Windows mic access off after a feature "
            "update.",
        ),
        followups=(
            "Test call says it can't hear me either.",
            "Fixed, thanks. It was the mute switch on the cable!",
        ),
        resolution=(
            "Wrong input device in Teams and microphone access off in Windows privacy settings. Both "
            "corrected; test call clear."
        ),
        work_log=("Remote session: audio settings and test call.",),
        minutes=15,
        weight=4,
        article="teams-audio",
    ),
    TicketTemplate(
        key="it-software-install",
        queue="IT",
        category="Software",
        type=_REQUEST,
        subject="Software install: {device}",
        description=(
            "Could the {device} be installed on my laptop {asset}? I need it for the new unit starting after "
            "half term. It's not in Software Center."
        ),
        impact=3,
        urgency=3,
        tags=("software", "install", "licence"),
        asset_pattern=_LAPTOP,
        devices=(
            "statistics package",
            "CAD package",
            "video editing suite",
            "music notation software",
            "Python development tools",
        ),
        requester_groups=("staff",),
        replies=(
            "Hi {requester_first}, we hold licences for the {device}. I've made it available to you: open "
            "Software Center, search for it and press Install. Takes about 10 minutes.",
            "Hi {requester_first}, that isn't licensed at the college yet. I've passed the request to the "
            "{department} budget holder; once it's ordered we'll package and deploy it.",
        ),
        notes=("Licences 42 of 50 in use. Added {asset} to the deployment collection.",),
        followups=("It fails with error 0x87D00607.", "Installed, thanks."),
        resolution=(
            "{device} deployed to {asset} through Software Center; licence allocated to the requester."
        ),
        work_log=("Checked licence count, added device to deployment.",),
        minutes=20,
        weight=4,
        article="software-center",
    ),
    TicketTemplate(
        key="it-licence-expired-lab",
        queue="IT",
        category="Software",
        type=_INCIDENT,
        subject="'Licence expired' on the {device} in {room}",
        description=(
            "Every PC in {room} says 'Your licence has expired' when students open the {device}. Lesson at "
            "{time}, {count} students."
        ),
        impact=2,
        urgency=1,
        tags=("software", "licence", "lab"),
        devices=("CAD package", "video editing suite", "statistics package"),
        room_kinds=("lab",),
        requester_groups=("staff",),
        replies=(
            "Hi {requester_first}, the licence server was renewed overnight and the lab PCs still point at "
            "the old settings. We're fixing it now; should be back within 20 minutes.",
            "Hi {requester_first}, every PC in {room} opens the {device} again. Sorry for the disruption.",
        ),
        notes=(
            "Licence server renewed this morning; clients still on the old port. Pushed corrected licence "
            "file to the lab collection, restarted service.",
            "Raise a change to add licence expiry dates to monitoring.",
        ),
        followups=("Still showing on a few PCs at the back.",),
        resolution=(
            "Lab PCs pointed at the old licence configuration after renewal. Corrected licence file "
            "deployed; {device} opens in {room}. Expiry added to monitoring."
        ),
        work_log=("Diagnosed licence server change.", "Deployed corrected licence file, checked {room}."),
        minutes=45,
    ),
    TicketTemplate(
        key="it-records-system-slow",
        queue="IT",
        category="Software",
        type=_INCIDENT,
        subject="Student records system very slow",
        description=(
            "The student records system takes a minute or more to open each learner. Everyone in "
            "{department} is affected, {count} of us trying to do enrolments."
        ),
        impact=1,
        urgency=2,
        tags=("mis", "performance", "outage"),
        requester_groups=("staff", "vip"),
        replies=(
            "Hi {requester_first}, thanks, we're seeing it too and the infrastructure team is on it. We'll "
            "update you within the hour.",
            "Hi {requester_first}, performance is back to normal. A report was running during the day and "
            "locking the database; it has been moved to overnight.",
        ),
        notes=(
            "DB server CPU 95%, blocking chain led by the attendance export (scheduled 09:00 by mistake). "
            "Killed, rescheduled for 02:00.",
            "Linked the other reports to this one as children.",
        ),
        followups=("Any update? Still slow.", "Much faster now, thanks."),
        resolution=(
            "Database contention from a report scheduled in working hours. Job stopped and moved overnight; "
            "records open in under 2 seconds again."
        ),
        work_log=("Investigated DB blocking.", "Rescheduled job and monitored for an hour."),
        minutes=90,
    ),
    TicketTemplate(
        key="it-print-queue-stuck",
        queue="IT",
        category="Printing",
        type=_INCIDENT,
        subject="Printer {asset} in {room} not printing",
        description=(
            "Nothing's coming out of the printer in {room}. Jobs sit in the queue saying 'Printing' and "
            "everyone's stuff is stuck behind them."
        ),
        impact=2,
        urgency=2,
        tags=("printer", "print-queue"),
        asset_pattern="PRN-{n:03d}",
        replies=(
            "Hi {requester_first}, a job at the front of the queue had stalled. We've cleared it and "
            "restarted the print service; anything sent after {time} should print now, please resend "
            "anything earlier.",
            "Hi {requester_first}, the printer itself had a paper-path error. It's cleared, please try "
            "again.",
        ),
        notes=("2.3 GB PDF stuck in error. Stopped spooler, removed it from the spool folder, restarted.",),
        followups=("Still nothing coming out.", "Printing again, thanks."),
        resolution=(
            "Stalled job blocking the queue for {asset}. Spool folder cleared, spooler restarted, users "
            "asked to resend; printing resumed."
        ),
        work_log=("Print server: cleared queue and restarted spooler.",),
        minutes=20,
        weight=4,
        article="printer-queue-stuck",
    ),
    TicketTemplate(
        key="it-print-card",
        queue="IT",
        category="Printing",
        type=_INCIDENT,
        subject="Print release doesn't recognise my card",
        description=(
            "Got a replacement ID card yesterday and now the printers say 'card not recognised' when I tap. "
            "Can I still get my printing out?"
        ),
        impact=3,
        urgency=2,
        tags=("printer", "card", "known-error"),
        requester_groups=("staff", "students"),
        replies=(
            "Hi {requester_first}, new cards reach the print system overnight, so it should work tomorrow. "
            "Today, tap 'Log in with PIN' on the printer screen; your PIN is on the Print tab at "
            "print.larkhaven.example.",
            "Hi {requester_first}, I've linked the new card to your print account by hand; please tap again.",
        ),
        notes=("Card linked manually. Overnight card sync failed on {weekday}: job timing out.",),
        followups=("PIN worked, thanks.",),
        resolution=(
            "New card not yet synced to the print system. Card linked manually; requester releasing by card."
        ),
        work_log=("Linked card number in print admin.",),
        minutes=10,
        weight=3,
        article="print-release-card",
    ),
    TicketTemplate(
        key="it-printer-jams",
        queue="IT",
        category="Printing",
        type=_INCIDENT,
        subject="Repeated paper jams on {asset}",
        description=(
            "{asset} in {room} jams every few pages from tray 2. We've pulled the paper out and fanned it "
            "and it keeps happening."
        ),
        impact=3,
        urgency=2,
        tags=("printer", "paper-jam"),
        asset_pattern="PRN-{n:03d}",
        replies=(
            "Hi {requester_first}, please use tray 1 for now; we'll replace the tray 2 rollers on {weekday}.",
            "Hi {requester_first}, the tray 2 rollers were worn smooth and have been replaced. Test prints "
            "run fine.",
        ),
        notes=("Page count 212k, rollers rated 200k. Kit taken from stock.",),
        followups=("Tray 1 is fine for now.",),
        resolution=(
            "Worn pickup rollers on tray 2 of {asset}. Roller kit replaced, paper path cleaned, 50-page test "
            "without a jam."
        ),
        work_log=("Replaced roller kit and test printed.",),
        parts=("1x tray 2 pickup roller kit",),
        minutes=30,
        weight=2,
    ),
    TicketTemplate(
        key="it-desk-phone-dead",
        queue="IT",
        category="Phones",
        type=_INCIDENT,
        subject="Desk phone in {room} dead",
        description=(
            "Phone on my desk just says 'Registering...' and there's no dial tone. Extension is on the "
            "sticker. I moved desks last week if that matters."
        ),
        impact=3,
        urgency=2,
        tags=("phone", "voip"),
        asset_pattern="PHONE-{n:04d}",
        requester_groups=("staff", "vip"),
        replies=(
            "Hi {requester_first}, the phone needs a network point patched for phones. Is the cable in a "
            "wall socket marked 'V'? If there isn't one at the new desk, we'll patch it.",
            "Hi {requester_first}, we've patched the port for voice and the phone has registered. Please "
            "check you can dial out.",
        ),
        notes=("Port on data VLAN only. Added voice VLAN to the access port; phone registered via LLDP.",),
        followups=("There's no V socket at the new desk.",),
        resolution=(
            "Desk moved to a port without the voice VLAN. Voice VLAN added; {asset} registered and tested."
        ),
        work_log=("Checked switch port config and patched voice VLAN.",),
        minutes=25,
        weight=2,
    ),
    TicketTemplate(
        key="it-voicemail-forwarding",
        queue="IT",
        category="Phones",
        type=_REQUEST,
        subject="Reset voicemail PIN and set up call forwarding",
        description=(
            "I've forgotten my voicemail PIN. Also, can my calls go to my mobile when I'm teaching on "
            "{weekday}s?"
        ),
        impact=3,
        urgency=3,
        tags=("phone", "voicemail", "forwarding"),
        requester_groups=("staff", "vip"),
        replies=(
            "Hi {requester_first}, I've reset your voicemail PIN to a temporary one and will ring it through "
            "to your desk. You'll be asked to change it the first time you dial in.",
            "Hi {requester_first}, for forwarding press Forward All and dial 9 then your mobile number, or "
            "set a schedule in the phone portal. The linked article shows both.",
        ),
        notes=("Voicemail PIN reset; external forwarding allowed for the staff calling class.",),
        followups=("Thanks, PIN changed and forwarding works.",),
        resolution="Voicemail PIN reset and requester shown how to forward calls to a mobile on a schedule.",
        work_log=("PIN reset and forwarding walkthrough by phone.",),
        minutes=10,
        weight=2,
        article="voicemail-forwarding",
    ),
    TicketTemplate(
        key="it-work-mobile",
        queue="IT",
        category="Phones",
        type=_REQUEST,
        subject="Work mobile for {requester_name}",
        description=(
            "My manager has approved a work mobile for me as I'm on the out-of-hours safeguarding rota from "
            "{weekday}. Could you arrange one?"
        ),
        impact=3,
        urgency=3,
        tags=("mobile", "equipment"),
        requester_groups=("staff", "vip"),
        replies=(
            "Hi {requester_first}, we need a budget code from your manager before we can issue one. Could "
            "they reply here with it?",
            "Hi {requester_first}, your phone is ready to collect from the Service Desk in North Building "
            "N0.04. It's enrolled in device management; e-mail and Teams set up when you sign in.",
        ),
        notes=("Budget code received. Handset issued from stock, enrolled in MDM, SIM activated.",),
        followups=("Budget code is on its way from my manager.",),
        resolution=(
            "Mobile issued, enrolled in device management, SIM activated; requester signed the equipment "
            "form."
        ),
        work_log=("Enrolled handset and activated SIM.", "Handover at the Service Desk."),
        parts=("1x smartphone (stock)", "1x SIM card"),
        minutes=40,
    ),
    TicketTemplate(
        key="it-phishing",
        queue="IT",
        category="Security",
        type=_INCIDENT,
        subject="Suspicious e-mail, possible phishing",
        description=(
            "Got an e-mail 'from Payroll' saying my salary details need updating, with a link to sign in. "
            "Sender is an outside address. I did NOT click. {count} others in {department} got it too."
        ),
        impact=2,
        urgency=1,
        tags=("phishing", "security", "email"),
        replies=(
            "Hi {requester_first}, thank you for reporting it: that's phishing. We've removed it from every "
            "mailbox and blocked the sender and the link. Nothing else for you to do.",
            "Hi {requester_first}, as a password was entered on that page, we've reset it and signed the "
            "account out everywhere. Please set a new password now and don't approve any MFA prompt you "
            "didn't start.",
        ),
        notes=(
            "Message trace: 37 recipients. Purged, sender domain and URL blocked. 1 user entered "
            "credentials: reset, sessions revoked, sign-in log reviewed.",
        ),
        followups=("Someone phoned afterwards asking for my code. I hung up.",),
        resolution=(
            "Phishing campaign impersonating Payroll. Messages purged, sender and URL blocked; the one "
            "account that entered credentials was reset and its sessions revoked."
        ),
        work_log=("Message trace and purge.", "Blocked sender/URL, reviewed sign-in logs."),
        minutes=45,
        weight=3,
        article="phishing-report",
    ),
    TicketTemplate(
        key="it-lost-laptop",
        queue="IT",
        category="Security",
        type=_INCIDENT,
        subject="Lost laptop {asset}",
        description=(
            "I think I left my work laptop on the train on {weekday} evening. It's {asset}. I've reported it "
            "to lost property but nothing yet. Really sorry."
        ),
        impact=3,
        urgency=1,
        tags=("lost-device", "security", "laptop"),
        asset_pattern=_LAPTOP,
        requester_groups=("staff", "vip"),
        replies=(
            "Hi {requester_first}, thanks for telling us quickly. We've locked the laptop remotely and it's "
            "encrypted, so your data is protected. Please also send the data-breach form in the linked "
            "article to the Data Protection Officer.",
            "Hi {requester_first}, a replacement laptop is ready at the Service Desk. Your OneDrive files "
            "will sync when you sign in.",
        ),
        notes=(
            "Device disabled in directory, wipe queued for next check-in. BitLocker confirmed on. DPO "
            "informed.",
        ),
        followups=("Lost property has found it! Can it be unlocked?",),
        resolution=(
            "{asset} reported lost: device disabled and wipe queued, encryption confirmed, DPO informed. "
            "Replacement laptop issued."
        ),
        work_log=("Disabled device and queued wipe.", "Prepared and issued replacement."),
        minutes=40,
        article="lost-device",
    ),
)

_FACILITIES: Final[tuple[TicketTemplate, ...]] = (
    TicketTemplate(
        key="fac-too-hot",
        queue="Facilities",
        category="HVAC",
        type=_INCIDENT,
        subject="{room} far too hot",
        description=(
            "It's 28 degrees in {room} by mid-morning. Radiators on full even though it's mild out, and the "
            "windows only open a crack. Can someone look at it?"
        ),
        impact=3,
        urgency=2,
        tags=("hvac", "temperature", "heating"),
        room_kinds=("office", "classroom", "lab"),
        replies=(
            "Hi {requester_first}, thanks. The building system shows the heating valve for {room} stuck "
            "open. An engineer will visit on {weekday}; meanwhile turn the radiator valve down to the frost "
            "setting (*).",
            "Hi {requester_first}, the valve actuator had failed open. It's been replaced and the room is "
            "holding 21°C. The wall adjuster gives you plus or minus 2°C.",
        ),
        notes=("BMS trend: space 27-29°C, LTHW valve at 100% with zero demand. Actuator dead.",),
        followups=("Still roasting in here.", "Much better today, thanks."),
        resolution=(
            "Failed thermal actuator on the radiator valve in {room} replaced; room controlling at 21°C."
        ),
        work_log=("Checked BMS trend logs for {room}.", "Replaced actuator, confirmed control from BMS."),
        parts=("1x 230V thermal actuator M30x1.5",),
        minutes=60,
        weight=4,
        article="heating-schedules",
    ),
    TicketTemplate(
        key="fac-no-heating",
        queue="Facilities",
        category="HVAC",
        type=_INCIDENT,
        subject="No heating in {location}",
        description=(
            "Freezing in {room} this morning, radiators stone cold. Had to teach in coats. Same thing last "
            "{weekday}."
        ),
        impact=2,
        urgency=1,
        tags=("hvac", "heating", "known-error"),
        room_kinds=("office", "classroom", "library", "hall"),
        replies=(
            "Hi {requester_first}, sorry. The heating for this zone didn't start early enough. We've put a "
            "4-hour override on and it should be warm within the hour.",
            "Hi {requester_first}, the controller had lost its early-start setting after an update. "
            "Corrected; please tell us if it's cold on Monday.",
        ),
        notes=(
            "Optimum start off on the zone controller since firmware update; zone starting at 08:00 "
            "occupancy instead of ~05:30. Re-enabled, checked the other zones.",
        ),
        followups=("Still cold at 10.", "Warm now, thanks."),
        resolution=(
            "Zone lost optimum start after a controller firmware update. Override applied, optimum start "
            "re-enabled and checked across the building."
        ),
        work_log=("BMS override and controller check.", "Re-enabled optimum start on all zones."),
        minutes=45,
        weight=4,
        article="cold-mornings-after-bms-update",
    ),
    TicketTemplate(
        key="fac-ahu-fault",
        queue="Facilities",
        category="HVAC",
        type=_INCIDENT,
        subject="AHU fault alarm: {asset}",
        description=(
            "BMS alarm on {asset} in {room}: 'filter dirty' then 'supply fan fail' at {time}. Rooms served "
            "by it are getting no fresh air."
        ),
        impact=2,
        urgency=2,
        tags=("hvac", "ahu", "ppm"),
        asset_pattern="AHU-{n:02d}",
        room_kinds=("plant",),
        requester_groups=("contractors", "staff"),
        replies=(
            "Hi {requester_first}, thanks, engineer attending now. We'll isolate the unit before opening it "
            "up.",
            "Hi {requester_first}, {asset} is running again. The fan belt had snapped and the filters were "
            "well overdue; both replaced and the alarm reset.",
        ),
        notes=(
            "Belt snapped, pulleys aligned OK. Filter pressure drop 250 Pa (change at 150). Belt and G4 "
            "pre-filters replaced.",
            "Add {asset} filters to the quarterly PPM; last change not recorded.",
        ),
        followups=("Rooms upstairs are stuffy, is this related?",),
        resolution=(
            "Snapped fan belt and blocked pre-filters on {asset}. Isolated, belt and filters replaced, "
            "tension and alignment checked, alarm reset; supply air restored."
        ),
        work_log=(
            "Isolated {asset} at the local isolator, lock-off applied.",
            "Replaced belt and filters, tensioned and aligned.",
            "Restarted, reset alarms on BMS, checked airflow.",
        ),
        parts=("4x panel filter G4 595x595x48", "1x fan belt SPA 1250"),
        minutes=120,
        weight=2,
    ),
    TicketTemplate(
        key="fac-server-room-temp",
        queue="Facilities",
        category="HVAC",
        type=_INCIDENT,
        subject="Server room temperature alarm",
        description=(
            "Monitoring alert: {room} at 31°C and rising. One of the two cooling units ({asset}) shows a "
            "high-pressure fault. IT have propped the doors open for now."
        ),
        impact=1,
        urgency=1,
        tags=("hvac", "server-room", "cooling"),
        asset_pattern="CRAC-{n:02d}",
        room_kinds=("server",),
        requester_groups=("staff",),
        replies=(
            "Hi {requester_first}, engineer on the way; the cooling contractor has been called out as well "
            "(4-hour response).",
            "Hi {requester_first}, {asset} is back in service and {room} is at 22°C. We'll watch it "
            "overnight.",
        ),
        notes=(
            "HP trip: outdoor condenser coil blocked with leaves. Cleaned, reset, pressures normal. Second "
            "unit was carrying the load alone; add condenser check to the monthly PPM.",
        ),
        followups=("Up to 33 now, we're shutting down non-essential servers.",),
        resolution=(
            "High-pressure trip on {asset} from a blocked outdoor condenser coil. Coil cleaned, unit reset "
            "and tested; {room} back to 22°C."
        ),
        work_log=(
            "Attended with contractor, diagnosed HP trip.",
            "Cleaned condenser, reset, monitored temps.",
        ),
        minutes=150,
    ),
    TicketTemplate(
        key="fac-sockets-tripped",
        queue="Facilities",
        category="Electrical",
        type=_INCIDENT,
        subject="No power to sockets in {room}",
        description=(
            "Half the sockets in {room} went off at {time} when someone plugged in a fan heater. Lights are "
            "still on."
        ),
        impact=3,
        urgency=1,
        tags=("electrical", "breaker", "power"),
        room_kinds=("office", "classroom", "kitchen", "lab", "workshop"),
        replies=(
            "Hi {requester_first}, please unplug the heater and don't use it again. An electrician is on the "
            "way to test and reset the circuit; please don't reset it yourselves.",
            "Hi {requester_first}, power is back. The heater was faulty and has been removed (personal "
            "heaters aren't allowed; call us if the room is cold).",
        ),
        notes=(
            "Way 7 on the local board tripped. Heater failed PAT, removed and tagged. Circuit insulation "
            "test OK. MCB ran warm and wouldn't latch reliably, replaced like for like.",
        ),
        followups=("Sockets by the window still off.",),
        resolution=(
            "Circuit tripped by a faulty portable heater. Heater removed and tagged, circuit tested, worn "
            "MCB replaced and power restored to {room}."
        ),
        work_log=("Isolated and tested circuit.", "Replaced MCB, re-energised and tested sockets."),
        parts=("1x 20A Type B MCB",),
        minutes=50,
        weight=3,
        article="reset-tripped-breaker",
    ),
    TicketTemplate(
        key="fac-lights-out",
        queue="Facilities",
        category="Electrical",
        type=_INCIDENT,
        subject="Lights out in {location}",
        description=(
            "{count} of the ceiling lights in {room} are out and one is flickering, which is giving people "
            "headaches. Been like it since {weekday}."
        ),
        impact=3,
        urgency=2,
        tags=("electrical", "lighting"),
        replies=(
            "Hi {requester_first}, thanks, we'll replace them on {weekday}. We'll need the room for about 30 "
            "minutes with steps.",
            "Hi {requester_first}, all done, the failed panels have been replaced.",
        ),
        notes=("Drivers failed on two panels; replaced complete panels (4000K to match).",),
        followups=("Is this still booked in?",),
        resolution="Failed LED panels in {room} replaced like for like (4000K); all lights working.",
        work_log=("Replaced LED panels and tested.",),
        parts=("2x LED panel 600x600 36W 4000K",),
        minutes=45,
        weight=4,
    ),
    TicketTemplate(
        key="fac-emergency-light-fail",
        queue="Facilities",
        category="Safety",
        type=_INCIDENT,
        subject="Emergency light failed monthly test: {location}",
        description=(
            "Monthly flick test: emergency fitting {asset} by the stair door near {room} didn't light. "
            "Logged in the fire logbook."
        ),
        impact=2,
        urgency=2,
        tags=("emergency-lighting", "compliance", "safety"),
        asset_pattern="EL-{n:03d}",
        requester_groups=("staff", "contractors"),
        replies=(
            "Hi {requester_first}, thanks for logging it. Battery pack replacement booked for {weekday}.",
            "Hi {requester_first}, replaced and tested. Please record the retest in the logbook.",
        ),
        notes=("Battery pack swollen, dated 2019. Replaced; 3-hour duration test after 24h charge.",),
        followups=("Retest recorded, thanks.",),
        resolution=(
            "Failed battery pack in emergency fitting {asset} replaced; function test passed, full-duration "
            "test booked after a 24-hour charge."
        ),
        work_log=("Replaced battery pack and function tested.",),
        parts=("1x 3-hour emergency battery pack",),
        minutes=40,
        weight=2,
    ),
    TicketTemplate(
        key="fac-ceiling-leak",
        queue="Facilities",
        category="Plumbing",
        type=_INCIDENT,
        subject="Water coming through the ceiling in {room}",
        description=(
            "Water dripping through a ceiling tile in {room}, near the lights! Put a bin under it. Started "
            "about {time}."
        ),
        impact=2,
        urgency=1,
        tags=("plumbing", "leak", "water"),
        replies=(
            "Hi {requester_first}, please keep people away and don't touch any switches near the leak. An "
            "engineer is on the way and will turn the water off above.",
            "Hi {requester_first}, leak fixed, a joint on the pipe above had failed. We'll replace the "
            "stained tile on {weekday} once the void has dried.",
        ),
        notes=(
            "Isolated cold feed to the floor above. Weeping 15mm compression joint in the void over {room}. "
            "Replaced, no further leak. Lighting circuit insulation tested OK.",
        ),
        followups=("It's dripping faster now.",),
        resolution=(
            "Leaking 15mm compression joint in the ceiling void above {room}. Isolated, coupling replaced, "
            "lighting circuit checked, damaged ceiling tile replaced."
        ),
        work_log=(
            "Isolated water and made the area safe.",
            "Replaced joint, restored supply, checked for leaks.",
            "Replaced ceiling tile after drying.",
        ),
        parts=("1x 15mm compression coupling", "1x ceiling tile 600x600"),
        minutes=90,
        weight=3,
        article="water-leak",
    ),
    TicketTemplate(
        key="fac-blocked-toilet",
        queue="Facilities",
        category="Plumbing",
        type=_INCIDENT,
        subject="Blocked toilet in {room}",
        description=(
            "Second cubicle in {room} is blocked and close to overflowing. Out-of-order sign on the door."
        ),
        impact=3,
        urgency=2,
        tags=("plumbing", "washroom"),
        room_kinds=("washroom",),
        replies=(
            "Hi {requester_first}, thanks for putting the sign up. Someone will be there within the hour.",
            "Hi {requester_first}, it's cleared and the cubicle is back in use.",
        ),
        notes=("Cleared with plunger and auger; paper towels. Asked for 'no paper towels' signs.",),
        followups=("It's blocked again.",),
        resolution="Blockage (paper towels) cleared from the WC in {room}; flushed, tested and cleaned.",
        work_log=("Cleared blockage and cleaned area.",),
        minutes=30,
        weight=4,
    ),
    TicketTemplate(
        key="fac-no-hot-water",
        queue="Facilities",
        category="Plumbing",
        type=_INCIDENT,
        subject="No hot water in {room}",
        description=(
            "No hot water from the taps in {room} since {weekday}. The water heater ({asset}) has no light "
            "on."
        ),
        impact=3,
        urgency=2,
        tags=("plumbing", "hot-water", "legionella"),
        asset_pattern="WH-{n:02d}",
        room_kinds=("kitchen", "washroom", "studio"),
        replies=(
            "Hi {requester_first}, we'll check the water heater this afternoon.",
            "Hi {requester_first}, the heating element had failed. Replaced, and the water is back up to "
            "temperature.",
        ),
        notes=(
            "Element open circuit. Replaced. Stored 60°C, outlet above 50°C within 1 min (legionella "
            "control).",
        ),
        followups=("Still lukewarm at the far sink.",),
        resolution=(
            "Failed immersion element in {asset} replaced; stored at 60°C and outlet temperatures checked "
            "for legionella control."
        ),
        work_log=("Isolated and drained heater.", "Replaced element, refilled, temperature checks."),
        parts=("1x 3kW immersion heater element",),
        minutes=75,
        weight=2,
    ),
    TicketTemplate(
        key="fac-spill",
        queue="Facilities",
        category="Cleaning",
        type=_INCIDENT,
        subject="Spill in {location}",
        description=(
            "Someone's dropped a tray of drinks in {room}: sticky and slippery. Wet-floor sign out from "
            "reception."
        ),
        impact=3,
        urgency=1,
        tags=("cleaning", "spill", "slip-hazard"),
        room_kinds=("hall", "kitchen", "classroom", "library", "reception"),
        replies=(
            "Hi {requester_first}, the duty cleaner is on the way.",
            "Hi {requester_first}, cleaned and dry, sign removed.",
        ),
        notes=("Duty cleaner attended within 15 minutes.",),
        followups=("Thanks for the quick response.",),
        resolution="Spill in {room} cleaned and the floor dried; wet-floor sign removed.",
        work_log=("Spill cleaned.",),
        minutes=15,
        weight=3,
    ),
    TicketTemplate(
        key="fac-bins-missed",
        queue="Facilities",
        category="Cleaning",
        type=_REQUEST,
        subject="Bins not emptied in {room}",
        description="Bins in {room} haven't been emptied for {count} days now and it's starting to smell.",
        impact=3,
        urgency=3,
        tags=("cleaning", "waste"),
        replies=(
            "Hi {requester_first}, sorry. I've raised it with the cleaning contractor and they'll be emptied "
            "this evening.",
            "Hi {requester_first}, {room} had dropped off the contractor's schedule; it's been added back.",
        ),
        notes=(
            "Room fell off the evening route after the timetable change. Contractor's route sheet updated.",
        ),
        followups=("Emptied last night, thanks.",),
        resolution="{room} restored to the contractor's evening schedule; bins emptied.",
        work_log=("Contacted contractor, checked route sheet.",),
        minutes=10,
        weight=3,
    ),
    TicketTemplate(
        key="fac-event-clean",
        queue="Facilities",
        category="Cleaning",
        type=_REQUEST,
        subject="Clean of {room} after an event",
        description=(
            "We're running an open evening in {room} on {weekday}. Could we have a clean afterwards before "
            "classes at {time} next morning?"
        ),
        impact=3,
        urgency=2,
        tags=("cleaning", "event"),
        room_kinds=("hall", "meeting", "studio", "kitchen"),
        replies=(
            "Hi {requester_first}, booked with the cleaning team for after the event.",
            "Hi {requester_first}, done, the room is ready.",
        ),
        notes=("Booked contractor overtime, 2 operatives from 21:00.",),
        followups=("Event finishes at 20:30, if that helps.",),
        resolution="Post-event clean of {room} done overnight; room ready for morning classes.",
        work_log=("Booked and checked the clean.",),
        minutes=90,
        weight=2,
    ),
    TicketTemplate(
        key="fac-card-reader",
        queue="Facilities",
        category="Security & access",
        type=_INCIDENT,
        subject="Card reader on the {room} door not working",
        description=(
            "The door to {room} won't open with my card, red light every time, same for everyone. Reception "
            "had to let us in."
        ),
        impact=2,
        urgency=1,
        tags=("access-control", "door", "security"),
        asset_pattern="ACR-{n:03d}",
        replies=(
            "Hi {requester_first}, we've released the door remotely for now and the security contractor is "
            "booked.",
            "Hi {requester_first}, the reader has been replaced and tested with several cards.",
        ),
        notes=("{asset} offline on the access system since {time}. Cabling fine; reader head failed.",),
        followups=("Door still unlocked at 18:00, is that OK?",),
        resolution="Failed reader head on {asset} replaced, re-enrolled on the access system and tested.",
        work_log=("Remote door release.", "Contractor replaced reader; tested with staff cards."),
        parts=("1x access control card reader",),
        minutes=60,
        weight=2,
        article="lost-keys-cards",
    ),
    TicketTemplate(
        key="fac-replacement-key",
        queue="Facilities",
        category="Security & access",
        type=_REQUEST,
        subject="Replacement key for {room}",
        description=(
            "I've lost the key to the store cupboard in {room}. Can a new one be cut? My manager has signed "
            "the key request form."
        ),
        impact=3,
        urgency=3,
        tags=("keys", "security"),
        replies=(
            "Hi {requester_first}, we have the form. The key will be ready to collect from the Estates "
            "office (T0.14) on {weekday}; bring your ID card.",
            "Hi {requester_first}, as the lost key also opens other rooms, we're changing the lock cylinder "
            "rather than cutting a copy.",
        ),
        notes=("Key number checked in the register; lost key logged against requester.",),
        followups=("Collected, thanks.",),
        resolution="Replacement key cut for {room} and signed out; lost key logged in the key register.",
        work_log=("Key cut and register updated.",),
        parts=("1x key cut (restricted profile)",),
        minutes=20,
        weight=2,
        article="lost-keys-cards",
    ),
    TicketTemplate(
        key="fac-window-insecure",
        queue="Facilities",
        category="Security & access",
        type=_INCIDENT,
        subject="Window won't close in {room}",
        description=(
            "The window in {room} is stuck open and won't lock. We're on the ground floor so it's not secure "
            "overnight."
        ),
        impact=3,
        urgency=2,
        tags=("window", "security"),
        room_kinds=("office", "classroom", "studio"),
        replies=(
            "Hi {requester_first}, we'll come and secure it before the end of the day.",
            "Hi {requester_first}, the hinge stay was bent; replaced along with the restrictor and the "
            "window now locks.",
        ),
        notes=("Friction stay bent, restrictor missing. Replaced both.",),
        followups=("Thanks, it's shut.",),
        resolution=(
            "Bent friction stay and missing restrictor replaced; the window in {room} closes and locks."
        ),
        work_log=("Secured window, replaced stay and restrictor.",),
        parts=("1x friction stay 12in", "1x window restrictor"),
        minutes=50,
        weight=2,
    ),
    TicketTemplate(
        key="fac-office-move",
        queue="Facilities",
        category="Rooms & moves",
        type=_REQUEST,
        subject="Office move: {department} to {room}",
        description=(
            "{department} are moving {count} staff into {room} on {weekday}. We need desks, pedestals, PCs "
            "and phones moved. Layout plan attached."
        ),
        impact=3,
        urgency=3,
        tags=("move", "furniture"),
        room_kinds=("office",),
        requester_groups=("staff", "vip"),
        replies=(
            "Hi {requester_first}, thanks for the plan. The removals team is booked for {weekday} from 08:00 "
            "and crates arrive two days before. Please label everything with the new room number. IT have a "
            "linked ticket to move PCs and phones.",
            "Hi {requester_first}, move complete. Please report anything missing or damaged here within 5 "
            "working days.",
        ),
        notes=(
            "Linked child ticket to IT for PCs and phones. Crates delivered.",
            "Survey of {room}: two floor boxes need new data outlets, raised with the electrician.",
        ),
        followups=("Can the filing cabinet from the old office come too?",),
        resolution=(
            "{department} moved into {room}: furniture relocated, crates collected, IT equipment reconnected "
            "under the linked ticket."
        ),
        work_log=(
            "Site survey of {room} and planning.",
            "Move day: supervised removals team.",
            "Crate collection and snagging walk-round.",
        ),
        parts=("20x removal crates (hired)",),
        minutes=300,
        article="room-move-booking",
    ),
    TicketTemplate(
        key="fac-extra-furniture",
        queue="Facilities",
        category="Rooms & moves",
        type=_REQUEST,
        subject="Extra tables and chairs for {room}",
        description=(
            "Could we have {count} more chairs and two trestle tables in {room} for a meeting on {weekday} "
            "at {time}?"
        ),
        impact=3,
        urgency=3,
        tags=("furniture", "event"),
        room_kinds=("hall", "classroom", "meeting"),
        replies=(
            "Hi {requester_first}, booked. The porters will set up by 08:30 that day and collect the next "
            "morning.",
            "Hi {requester_first}, set up as requested.",
        ),
        notes=("Porters booked; chairs from the S0.13 store.",),
        followups=("Could we have a lectern too?",),
        resolution="Extra tables and chairs delivered to {room} and collected after the event.",
        work_log=("Set up and cleared furniture.",),
        minutes=45,
        weight=2,
    ),
    TicketTemplate(
        key="fac-fire-door",
        queue="Facilities",
        category="Safety",
        type=_INCIDENT,
        subject="Fire door not closing: {location}",
        description=(
            "The fire door outside {room} doesn't close on its own any more, it stops about a foot open. "
            "People keep wedging it as well."
        ),
        impact=2,
        urgency=1,
        tags=("fire-door", "safety", "compliance"),
        replies=(
            "Hi {requester_first}, thank you. A fire door that doesn't close is a priority and someone will "
            "attend today. Please don't wedge it; if it's in constant use we can fit a hold-open that "
            "releases on the fire alarm.",
            "Hi {requester_first}, the door closer has been replaced and adjusted so the door closes and "
            "latches from any angle.",
        ),
        notes=(
            "Closer leaking oil, no latching action. Replaced EN3 closer, set closing and latch speed. Gaps "
            "3-4mm OK. Damaged intumescent strip on leading edge replaced. Fire door register updated.",
        ),
        followups=("Door closes properly now, thanks.",),
        resolution=(
            "Failed overhead closer replaced and adjusted; door closes and latches from 90°. Damaged "
            "intumescent strip replaced. Fire door register updated."
        ),
        work_log=("Inspected door, replaced closer and seal.", "Updated fire door register."),
        parts=("1x overhead door closer EN3", "2m intumescent strip 15x4mm"),
        minutes=75,
        weight=2,
        article="fire-door-faults",
    ),
    TicketTemplate(
        key="fac-lift-entrapment",
        queue="Facilities",
        category="Safety",
        type=_INCIDENT,
        subject="Lift entrapment: {building} passenger lift",
        description=(
            "Person trapped in the {building} lift ({asset}) between floors 1 and 2, alarm pressed at "
            "{time}. Reception are talking to them on the intercom. They're OK and calm."
        ),
        impact=1,
        urgency=1,
        tags=("lift", "entrapment", "emergency"),
        asset_pattern="LIFT-{n:02d}",
        requester_groups=("staff",),
        replies=(
            "Hi {requester_first}, the lift contractor has been called and is due within 45 minutes. Please "
            "keep talking to the person and don't try to open the doors. If they feel unwell, call 999.",
            "Hi {requester_first}, the passenger was released by the lift engineer and is fine. The lift "
            "stays out of service until the fault is fixed.",
        ),
        notes=(
            "Contractor called, 45 min ETA. Passenger released by engineer, car wound to floor level.",
            "Fault: landing door lock contact on floor 2, replaced. Lift tested and back in service; "
            "entrapment recorded in the lift log, H&S informed.",
        ),
        followups=("Still stuck, engineer not here yet.",),
        resolution=(
            "Passenger released by the lift engineer, uninjured. Faulty landing door lock contact on {asset} "
            "replaced; lift tested, returned to service, incident recorded."
        ),
        work_log=(
            "Coordinated contractor call-out and stayed with passenger.",
            "Post-release checks and log.",
        ),
        parts=("1x landing door lock contact",),
        minutes=120,
        article="lift-entrapment",
    ),
)

_HR: Final[tuple[TicketTemplate, ...]] = (
    TicketTemplate(
        key="hr-payslip-missing",
        queue="HR",
        category="Payroll",
        type=_QUESTION,
        subject="Can't see this month's payslip",
        description=(
            "I can't find this month's payslip in the HR portal, only last month's. Are we paid on the usual "
            "date?"
        ),
        impact=3,
        urgency=2,
        tags=("payslip", "portal"),
        requester_groups=("staff", "vip"),
        replies=(
            "Hi {requester_first}, payslips go on the portal two working days before payday, so it'll appear "
            "on {weekday}. You'll get an e-mail when it's there.",
            "Hi {requester_first}, it's now under My Pay > Payslips. If the PDF won't open, allow pop-ups "
            "for the portal.",
        ),
        notes=("Payroll run complete; publishing scheduled.",),
        followups=("Found it, thanks.",),
        resolution="Payslip published on schedule; requester shown where to find it under My Pay > Payslips.",
        work_log=("Checked publishing schedule and replied.",),
        minutes=10,
        weight=3,
        article="payslip-access",
    ),
    TicketTemplate(
        key="hr-overtime-missing",
        queue="HR",
        category="Payroll",
        type=_INCIDENT,
        subject="Overtime missing from my pay",
        description=(
            "I worked {count} hours' overtime covering the open evening last month and it's not on my "
            "payslip. My manager signed the claim on {weekday}."
        ),
        impact=3,
        urgency=1,
        tags=("overtime", "pay"),
        requester_groups=("staff",),
        replies=(
            "Hi {requester_first}, the claim reached payroll after the cut-off (the 10th), so it will be "
            "paid in next month's salary. If that causes hardship, tell me and we can look at an advance.",
            "Hi {requester_first}, the claim had been keyed against the wrong month. Corrected, and it will "
            "be paid as a supplementary payment on {weekday}.",
        ),
        notes=("Claim received on the 12th, after cut-off. Included in next run.",),
        followups=("Next month is fine, thanks for checking.",),
        resolution=(
            "Overtime claim arrived after the payroll cut-off and was included in the following month's pay; "
            "requester told the cut-off date."
        ),
        work_log=("Traced claim and confirmed payment month.",),
        minutes=20,
        weight=3,
    ),
    TicketTemplate(
        key="hr-bank-details",
        queue="HR",
        category="Payroll",
        type=_REQUEST,
        subject="Change of bank details",
        description=(
            "I've moved banks. How do I change the account my salary goes into, and will it be in time for "
            "this month?"
        ),
        impact=3,
        urgency=2,
        tags=("bank-details", "pay", "fraud"),
        requester_groups=("staff", "vip"),
        replies=(
            "Hi {requester_first}, please change your bank details yourself in the HR portal under My "
            "Details > Bank. For your security we never change bank details from an e-mail. Changes made "
            "before the 10th apply to this month's pay.",
            "Hi {requester_first}, we've called you back to confirm the change, all done.",
        ),
        notes=("Change made in portal; verified by callback to the number on file (fraud control).",),
        followups=("Done it in the portal now.",),
        resolution=(
            "Requester changed bank details in the HR portal; verified by callback and applied this month."
        ),
        work_log=("Callback verification.",),
        minutes=10,
        weight=2,
        article="bank-details-faq",
    ),
    TicketTemplate(
        key="hr-expenses-unpaid",
        queue="HR",
        category="Payroll",
        type=_QUESTION,
        subject="When will my expenses be paid?",
        description=(
            "I claimed mileage for {count} visits to placement providers last month but haven't been paid. "
            "How long does it take?"
        ),
        impact=3,
        urgency=3,
        tags=("expenses", "mileage"),
        requester_groups=("staff",),
        replies=(
            "Hi {requester_first}, approved claims are paid with salary if approved by the 10th. Yours is "
            "still waiting for your manager; I've sent them a reminder.",
            "Hi {requester_first}, the parking part has no receipt attached. Please add it in the portal and "
            "we'll process the claim.",
        ),
        notes=("Manager approved on {weekday}; in this month's run.",),
        followups=("Receipt added.",),
        resolution="Claim approved by the manager and paid through payroll (mileage at 45p a mile).",
        work_log=("Checked claim status, chased approver.",),
        minutes=10,
        weight=2,
        article="claiming-expenses",
    ),
    TicketTemplate(
        key="hr-leave-balance",
        queue="HR",
        category="Leave",
        type=_QUESTION,
        subject="My leave balance looks wrong",
        description=(
            "The portal says I have {count} days left but I make it more; I carried 5 days over from last "
            "year. Can someone check?"
        ),
        impact=3,
        urgency=3,
        tags=("annual-leave", "balance"),
        requester_groups=("staff",),
        replies=(
            "Hi {requester_first}, carried-over days are added once your manager approves them, and I can "
            "see yours is still waiting. I've nudged them.",
            "Hi {requester_first}, the carried-over days are added and your balance is right now.",
        ),
        notes=("Carry-over request pending manager approval since {weekday}.",),
        followups=("Looks right now, thanks.",),
        resolution="Carry-over was awaiting manager approval; approved and balance corrected.",
        work_log=("Checked leave record and chased approval.",),
        minutes=15,
        weight=3,
        article="annual-leave-request",
    ),
    TicketTemplate(
        key="hr-leave-stuck",
        queue="HR",
        category="Leave",
        type=_INCIDENT,
        subject="Leave request stuck on 'awaiting approval'",
        description=(
            "I booked leave for half term three weeks ago and it still says awaiting approval. My line "
            "manager changed last month, I think it's gone to the old one."
        ),
        impact=3,
        urgency=2,
        tags=("annual-leave", "approval"),
        requester_groups=("staff",),
        replies=(
            "Hi {requester_first}, you're right: your record still pointed at your previous manager. "
            "Updated, and the request has moved to your new manager.",
            "Hi {requester_first}, your request has now been approved.",
        ),
        notes=(
            "Reporting line not updated after the restructure; corrected and {count} pending requests "
            "re-routed.",
        ),
        followups=("Approved now, thanks.",),
        resolution=(
            "Reporting line corrected; pending leave requests re-routed to the new manager and approved."
        ),
        work_log=("Corrected reporting line, re-routed approvals.",),
        minutes=20,
        weight=2,
        article="annual-leave-request",
    ),
    TicketTemplate(
        key="hr-flexible-working",
        queue="HR",
        category="Policy",
        type=_QUESTION,
        subject="How do I make a flexible working request?",
        description=(
            "I'd like to move to a four-day week from September. What's the process and how long does it "
            "take?"
        ),
        impact=3,
        urgency=3,
        tags=("flexible-working", "policy"),
        requester_groups=("staff",),
        replies=(
            "Hi {requester_first}, you can ask from your first day. Fill in the flexible working form in the "
            "HR portal (Forms > Flexible working); your manager must discuss it with you and decide within "
            "two months. The guide is linked.",
            "Hi {requester_first}, your manager has booked a meeting on {weekday} to talk it through.",
        ),
        notes=("Form received; manager reminded of the two-month decision period.",),
        followups=("Submitted the form today.",),
        resolution=(
            "Flexible working process explained and guide linked; request submitted through the portal."
        ),
        work_log=("Advice given.",),
        minutes=15,
        weight=2,
        article="flexible-working-request",
    ),
    TicketTemplate(
        key="hr-cpd-funding",
        queue="HR",
        category="Policy",
        type=_QUESTION,
        subject="Funding for a professional qualification",
        description=(
            "I'd like to start a part-time teaching qualification in January. Does the college fund it, and "
            "is there a payback clause?"
        ),
        impact=3,
        urgency=3,
        tags=("cpd", "training", "policy"),
        requester_groups=("staff",),
        replies=(
            "Hi {requester_first}, yes: the staff development policy covers teaching qualifications with "
            "your manager's support. Courses over £500 carry a payback if you leave within two years (100% "
            "in year one, 50% in year two). Apply with the CPD form in the portal.",
        ),
        notes=("Sent CPD form and policy extract.",),
        followups=("Thanks, I'll speak to my manager.",),
        resolution="Staff development policy explained; CPD application form sent.",
        work_log=("Advice given.",),
        minutes=15,
    ),
    TicketTemplate(
        key="hr-new-starter",
        queue="HR",
        category="Onboarding",
        type=_REQUEST,
        subject="New starter in {department} on {weekday}",
        description=(
            "We have a new technician starting in {department} on {weekday}. Contract signed. What do I need "
            "to do before day one?"
        ),
        impact=3,
        urgency=2,
        tags=("onboarding", "new-starter"),
        requester_groups=("staff", "vip"),
        replies=(
            "Hi {requester_first}, good news! Please work through the manager's onboarding checklist "
            "(linked). We've started the pre-employment checks; IT and Estates get automatic requests for "
            "the account, ID card and keys once they clear.",
            "Hi {requester_first}, all checks complete and the start is confirmed. Induction is at {time} on "
            "day one in {location}.",
        ),
        notes=(
            "Right to work and references received; DBS pending. Starter record created (triggers IT "
            "account).",
        ),
        followups=("DBS still shows pending, will they be able to start?",),
        resolution=(
            "Pre-employment checks complete, starter record created, IT and Estates requests raised; manager "
            "following the onboarding checklist."
        ),
        work_log=("Pre-employment checks.", "Starter record and induction booking."),
        minutes=45,
        weight=2,
        article="onboarding-checklist",
    ),
    TicketTemplate(
        key="hr-dbs-status",
        queue="HR",
        category="Onboarding",
        type=_QUESTION,
        subject="DBS check status for a new starter",
        description=(
            "Our new learning support worker is due to start on {weekday}. Is their DBS through yet? They'll "
            "work with under-18s so I know they can't start without it."
        ),
        impact=3,
        urgency=2,
        tags=("dbs", "safeguarding", "onboarding"),
        requester_groups=("staff",),
        replies=(
            "Hi {requester_first}, the enhanced DBS application went in on {weekday} and is at stage 4 "
            "(local police records). We'll tell you as soon as the certificate has been seen.",
            "Hi {requester_first}, the certificate has been seen and recorded, so they're clear to start.",
        ),
        notes=("Stage 4 typically 1-2 weeks. Start date held until certificate seen.",),
        followups=("Can they do the induction day at least?",),
        resolution="Enhanced DBS certificate seen and recorded; start date confirmed with the manager.",
        work_log=("Checked DBS tracking, updated manager.",),
        minutes=15,
        weight=2,
    ),
    TicketTemplate(
        key="hr-cycle-to-work",
        queue="HR",
        category="Benefits",
        type=_QUESTION,
        subject="Cycle to work scheme",
        description=(
            "Is the cycle to work scheme open at the moment? I'd like an e-bike. Is there a price limit?"
        ),
        impact=3,
        urgency=3,
        tags=("benefits", "cycle-to-work"),
        requester_groups=("staff",),
        replies=(
            "Hi {requester_first}, the scheme is open all year and the college sets no upper limit. "
            "Repayments come from gross salary over 12 months and can't take your pay below the minimum "
            "wage. Details and the application link are in the FAQ.",
            "Hi {requester_first}, your application is approved; the voucher will come by e-mail from the "
            "scheme provider.",
        ),
        notes=("Affordability check OK, approved.",),
        followups=("Applied today.",),
        resolution="Cycle to work scheme explained; application approved and voucher issued.",
        work_log=("Approved application.",),
        minutes=10,
        weight=2,
        article="cycle-to-work-faq",
    ),
)

#: Every template: IT first, then Facilities, then HR, each in a fixed order.
TICKET_TEMPLATES: Final[tuple[TicketTemplate, ...]] = _IT + _FACILITIES + _HR
