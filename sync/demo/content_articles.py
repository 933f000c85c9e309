"""Knowledge-base articles for the demo organisation: real how-tos, known errors and FAQs.

Bodies are Markdown without a top-level heading (the title is shown separately): a lead
paragraph, then ``##`` sections, numbered steps, tables and code blocks where natural. Bodies
are not templates: braces in them are literal. Phone numbers are the fictional 555-01xx
desk lines: IT Service Desk 555-0190, Estates helpdesk 555-0191, People Services 555-0193,
Security lodge 555-0194.
"""

from __future__ import annotations

from dataclasses import dataclass
from inspect import cleandoc
from typing import Final, Literal, get_args

__all__ = ["ARTICLES", "ARTICLE_KINDS", "ARTICLE_STATUSES", "Article", "ArticleKind", "ArticleStatus"]

ArticleKind = Literal["how-to", "known error", "faq"]
ArticleStatus = Literal["published", "draft"]
ARTICLE_KINDS: Final[frozenset[str]] = frozenset(get_args(ArticleKind))
ARTICLE_STATUSES: Final[frozenset[str]] = frozenset(get_args(ArticleStatus))


@dataclass(frozen=True, slots=True)
class Article:
    slug: str  # stable, unique; TicketTemplate.article refers to it
    title: str
    queue: str  # Queue.name
    category: str  # one of that queue's categories
    kind: ArticleKind
    status: ArticleStatus
    tags: tuple[str, ...]
    body: str  # Markdown

    @property
    def draft(self) -> bool:
        return self.status == "draft"


def _article(
    slug: str,
    title: str,
    queue: str,
    category: str,
    kind: ArticleKind,
    tags: tuple[str, ...],
    body: str,
    status: ArticleStatus = "published",
) -> Article:
    return Article(slug, title, queue, category, kind, status, tags, cleandoc(body))


_IT_ARTICLES: Final[tuple[Article, ...]] = (
    _article(
        "vpn-connect-from-home",
        "Connecting to the college VPN from home",
        "IT",
        "Network",
        "how-to",
        ("vpn", "remote", "home-working"),
        """
        College laptops use the VPN to reach the S: and H: drives, the student records system and other
        internal services from off site. E-mail, Teams and OneDrive work without it.

        ## Before you start
        - A college laptop. Personal devices can't use the VPN.
        - Your college e-mail address and password, and your phone with the authenticator app.
        - A working internet connection. Hotel and café Wi-Fi often needs you to accept terms in a
          browser first.

        ## Connect
        1. Click the **LVC Connect** icon in the system tray, next to the clock. If it isn't there,
           open the Start menu and type `LVC Connect`.
        2. Check the server reads `vpn.larkhaven.example`.
        3. Click **Connect** and sign in with your college e-mail address and password.
        4. Approve the sign-in on your phone.
        5. The icon turns green with a padlock. Your drives reconnect within a minute; if they
           don't, lock the laptop (Windows + L) and unlock it.

        ## Disconnect
        Right-click the icon and choose **Disconnect** when you finish. The connection also ends
        by itself after 12 hours.

        ## If it won't connect
        | Message | What to do |
        |---|---|
        | Unable to reach secure gateway | Check a website opens. Restart fully (Start > Power > Restart). |
        | Your client needs to be updated | Call the IT Service Desk on 555-0190; we update it remotely. |
        | Authentication failed | Your password may have expired: reset it at account.larkhaven.example. |
        | Drops every few minutes | Try a phone hotspot; if that's stable, restart your router. |

        Still stuck? Raise an IT ticket with the exact message and the time you tried.
        """,
    ),
    _article(
        "password-reset",
        "Resetting your password",
        "IT",
        "Accounts & access",
        "how-to",
        ("password", "account", "lockout", "self-service"),
        """
        You can reset your own college password at any time from any device, as long as you have
        registered a mobile number or the authenticator app (most people do this at enrolment or
        induction).

        ## Reset it yourself
        1. Go to `https://account.larkhaven.example/reset`.
        2. Enter your college e-mail address and complete the picture check.
        3. Choose how to verify: a code by text message, or an approval in the authenticator app.
        4. Enter a new password. It must be at least 12 characters, must not contain your name or
           username, and must not be one of your last 5 passwords. Three random words, such as
           `kettle-harbour-violet`, are long and easy to remember.
        5. Click **Finish**. The new password works straight away for e-mail and Teams.

        ## After resetting
        - **College laptop, off site:** connect to the VPN, then lock (Windows + L) and unlock with
          the new password so the laptop learns it. Until then it keeps accepting the old one.
        - **Phone and tablet:** update the password for college e-mail and for the LVC-Secure
          Wi-Fi. Old saved passwords are the most common cause of repeated lockouts.
        - **Shared and lab PCs:** sign out and back in.

        ## Locked out?
        After 10 wrong attempts your account locks for 15 minutes, then unlocks by itself. If you
        need it sooner, or you haven't registered a phone, contact the IT Service Desk on 555-0190
        or at North Building N0.04. We check who you are by calling back the number on your HR or
        student record before we reset anything.

        IT staff will never ask you for your password or for a code from your phone.
        """,
    ),
    _article(
        "printer-queue-stuck",
        "Clearing a stuck print queue",
        "IT",
        "Printing",
        "how-to",
        ("printer", "print-queue", "spooler"),
        r"""
        When one print job stalls, everything sent after it waits behind it. Most cases clear at your
        own PC; if a whole floor is affected, the queue on the print server needs clearing, which
        Service Desk staff do.

        ## On your own PC
        1. Open **Settings > Bluetooth & devices > Printers & scanners**.
        2. Select the printer, then **Open print queue**.
        3. Right-click any job showing *Error* or stuck on *Printing* and choose **Cancel**. Use
           **Printer > Cancel all documents** if you can't tell which one.
        4. Wait a minute for the list to empty, then print a single test page.

        If jobs won't leave the list, restart the PC. Still stuck: raise an IT ticket with the
        printer's asset number (sticker on the front, for example PRN-014).

        ## On the print server (agents)
        Only needed when several people report the same printer. This deletes every job waiting on
        that server, not just on one printer, so warn users to resend.

        ```powershell
        Stop-Service -Name Spooler -Force
        Remove-Item -Path "C:\Windows\System32\spool\PRINTERS\*" -Force
        Start-Service -Name Spooler
        ```

        Then:
        1. Check the printer's own panel for errors: paper jam, open tray, toner.
        2. Print a test page from the server.
        3. Ask users to resend anything submitted before the restart.

        ## Prevent it
        - Very large PDFs (hundreds of MB) often stall. Print a page range, or use the PDF reader's
          "print as image" option.
        - Don't send the same job again and again: every copy joins the queue.
        """,
    ),
    _article(
        "outlook-profile-rebuild",
        "Rebuilding your Outlook profile",
        "IT",
        "Email & Teams",
        "how-to",
        ("outlook", "email", "profile"),
        """
        A new profile fixes Outlook that hangs on "Loading profile", crashes on start, or shows
        folders that never update. Your mail, calendar and contacts live on the server, so nothing
        is lost: Outlook downloads them again.

        ## Before you start
        - Check webmail (`https://mail.larkhaven.example`) works. If it doesn't, the problem isn't
          your profile: contact the Service Desk.
        - Try safe mode: press Windows + R, type `outlook.exe /safe` and press Enter. If Outlook
          opens in safe mode, an add-in is to blame. Go to **File > Options > Add-ins**, choose
          *COM Add-ins* next to **Manage**, click **Go** and untick them one at a time.

        ## Create a new profile
        1. Close Outlook.
        2. Open the Start menu, type `Control Panel` and open it. Set *View by* to **Small icons**
           and open **Mail (Microsoft Outlook)**.
        3. Click **Show Profiles...**, then **Add...**.
        4. Name the new profile, for example `Outlook-new`, and click **OK**.
        5. Your name and e-mail address fill in automatically. Click **Next**, then **Finish**.
        6. Under *When starting Microsoft Outlook, use this profile*, choose **Always use this
           profile**, select the new one and click **OK**.
        7. Open Outlook. The first sync of a large mailbox can take up to an hour.

        ## Afterwards
        - Shared mailboxes you have full access to reappear by themselves.
        - Reopen any personal archive with **File > Open & Export > Open Outlook Data File**.
        - Signatures are stored on the laptop, not in the profile. If yours isn't added to new
          messages, choose it again under **File > Options > Mail > Signatures**.
        - When all is well for a week, delete the old profile in the same Mail control panel.
        """,
    ),
    _article(
        "bitlocker-recovery",
        "BitLocker recovery key prompt at start-up",
        "IT",
        "Hardware",
        "how-to",
        ("bitlocker", "encryption", "laptop", "recovery-key"),
        """
        College laptops are encrypted with BitLocker. If the laptop's security chip (TPM) sees
        something change before Windows starts, it asks for a 48-digit recovery key instead of
        starting normally. Common triggers are a BIOS or firmware update, a USB stick or dock
        connected during start-up, or a hardware repair.

        ## Get your key
        1. Note the **Key ID** on the recovery screen. The first 8 characters are enough.
        2. On another device, sign in to `https://account.larkhaven.example`, choose **Devices >
           View BitLocker keys**, find the entry with the matching Key ID and show the key.
        3. No other device to hand? Call the IT Service Desk on 555-0190. We confirm who you are by
           calling back the number we hold, then read you the key. We never e-mail recovery keys.

        ## Enter the key
        1. Type the 48 digits. The dashes are added for you.
        2. If the number keys don't respond, use the function keys: F1 to F9 type 1 to 9 and F10
           types 0.
        3. Press Enter. Windows starts normally and your files are untouched.

        ## Stop it happening again
        - Remove USB sticks and memory cards before restarting.
        - If it asks again at the next restart, tell us. IT will suspend protection for one restart
          so BitLocker re-seals to the TPM:

        ```
        manage-bde -protectors -disable C: -RebootCount 1
        ```

        - Never write the key on the laptop or keep it in the laptop bag.
        """,
    ),
    _article(
        "wifi-lvc-secure",
        "Connecting to LVC-Secure Wi-Fi",
        "IT",
        "Network",
        "how-to",
        ("wifi", "lvc-secure", "eduroam-style", "mobile"),
        """
        **LVC-Secure** is the Wi-Fi for staff and students on every site. You sign in once with your
        college account and your device reconnects by itself. Visitors use **LVC-Guest** with a code
        from reception.

        ## Settings
        | Setting | Value |
        |---|---|
        | Network name (SSID) | LVC-Secure |
        | Security | WPA2/WPA3-Enterprise |
        | EAP method | PEAP |
        | Phase 2 authentication | MSCHAPV2 |
        | CA certificate | Use system certificates |
        | Domain | larkhaven.example |
        | Identity | your full college e-mail address |
        | Anonymous identity | leave blank |

        ## Windows and macOS
        1. Choose **LVC-Secure** in the Wi-Fi list.
        2. Enter your college e-mail address and password.
        3. When asked to trust the certificate, check it is for `radius.larkhaven.example` exactly,
           then accept. If the name is different, stop and tell the Service Desk: it may be a fake
           network.

        ## Android
        1. Open **Settings**, then the Wi-Fi list (the menu names vary by manufacturer), and tap
           **LVC-Secure**.
        2. Set EAP method, Phase 2, CA certificate and Domain as in the table. Android refuses to
           connect if the CA certificate is set to *Do not validate*.
        3. Enter your e-mail address as Identity, then your password, and tap **Connect**.

        ## iPhone and iPad
        Tap **LVC-Secure**, enter your e-mail address and password, then tap **Trust** on the
        certificate for `radius.larkhaven.example`.

        ## After a password change
        Your device keeps trying the old password and can lock your account. **Forget** LVC-Secure
        and join again with the new password.
        """,
    ),
    _article(
        "mfa-enrolment",
        "Setting up multi-factor authentication (MFA)",
        "IT",
        "Accounts & access",
        "how-to",
        ("mfa", "authenticator", "security"),
        """
        MFA protects your account if your password is stolen: signing in from a new device needs
        your password **and** an approval on your phone. All staff and students must register.

        ## What you need
        - Your smartphone with the **Microsoft Authenticator** app (free from your phone's app store).
        - A computer to sign in on.

        If you can't use a smartphone, ask the Service Desk for a hardware token.

        ## Register
        1. On the computer, go to `https://account.larkhaven.example/security-info` and sign in.
        2. Click **Add sign-in method** and choose **Authenticator app**.
        3. On your phone, open Authenticator, tap **+**, then **Work or school account**, then
           **Scan QR code**, and scan the code on the screen.
        4. Click **Next** on the computer. A test notification arrives: type the number shown on
           the computer into your phone and tap **Yes**.
        5. Add a second method, **Phone** (text message), as a backup if you lose the app.

        ## Getting a new phone
        Before you trade in the old phone, install Authenticator on the new one, add your account
        from the Security info page, then delete the old phone from the list. If the old phone has
        already gone, contact the Service Desk: we verify who you are by calling you back, then
        reset your sign-in methods.

        ## Stay safe
        - Only approve a prompt you started. An unexpected prompt means someone has your password:
          deny it, change your password and report it to the Service Desk.
        - IT staff will never ask you for a code.
        """,
    ),
    _article(
        "mapped-drives",
        "Mapped network drives (H: and S:)",
        "IT",
        "Network",
        "how-to",
        ("drives", "file-share", "permissions"),
        r"""
        College Windows PCs and laptops connect two network drives when you sign in. Access to
        folders inside S: is approved by each folder's owner in the department.

        | Drive | Path | What it's for |
        |---|---|---|
        | H: | `\\files.larkhaven.example\home$\<username>` | Your personal files (staff only) |
        | S: | `\\files.larkhaven.example\shared` | Department shared folders |

        ## Drives are missing
        1. **Off site?** Connect to the VPN first, then lock the laptop (Windows + L) and unlock it.
           The drives reconnect.
        2. **On site?** Check you're on LVC-Secure or a network cable, then restart.
        3. Still missing: open Command Prompt, run `gpupdate /force`, then sign out and back in.

        ## Map a drive by hand
        1. Open File Explorer and select **This PC**.
        2. Choose **See more (...) > Map network drive** (on Windows 10, **Computer > Map network
           drive**).
        3. Pick a letter and type the folder path, for example
           `\\files.larkhaven.example\shared\Finance`.
        4. Tick **Reconnect at sign-in** and click **Finish**.

        The same from Command Prompt:

        ```
        net use S: \\files.larkhaven.example\shared /persistent:yes
        ```

        ## "Access denied"
        You aren't in the group for that folder. Ask the folder owner (usually your head of
        department) to approve, then raise an IT request naming the folder. New access applies
        after you sign out and back in, because group membership is read at sign-in.
        """,
    ),
    _article(
        "teams-audio",
        "Fixing Teams audio: people can't hear you, or you can't hear them",
        "IT",
        "Email & Teams",
        "how-to",
        ("teams", "audio", "microphone", "headset"),
        """
        Work through these steps in order. Most problems are fixed by step 2.

        ## 1. Check the obvious
        - Is the headset's own mute switch on? Many have a slider on the cable or a button on the
          ear cup.
        - Is Teams muting you? The microphone button in the meeting controls must not be crossed out.
        - USB headsets: plug straight into the laptop, not through a hub, and try another port.

        ## 2. Choose the right devices in Teams
        1. Click **Settings and more (...)** next to your picture, then **Settings > Devices**.
        2. Under **Audio devices**, choose your headset, or choose *Custom setup* and pick the
           speaker and microphone separately.
        3. Click **Make a test call**. Speak after the beep; the recording is played back to you.

        During a meeting, use the small arrow next to the microphone button to switch device without
        leaving.

        ## 3. Check Windows
        1. Open **Settings > Privacy & security > Microphone**. **Microphone access**, **Let apps
           access your microphone** and **Let desktop apps access your microphone** must all be on.
        2. Open **Settings > System > Sound**. Under **Input**, pick your headset, speak, and watch
           the volume bar move.

        ## 4. Still no luck
        - Quit Teams completely (right-click its icon in the system tray, **Quit**) and reopen it.
        - Restart the laptop. This also finishes pending updates that can reset audio drivers.
        - Raise an IT ticket with the headset model and whether the test call worked.
        """,
    ),
    _article(
        "laptop-docking",
        "Using your laptop with a desk dock",
        "IT",
        "Hardware",
        "how-to",
        ("dock", "monitor", "laptop", "hot-desk"),
        """
        Offices and hot desks have USB-C docks that connect your laptop to power, the network,
        monitors, keyboard and mouse through one cable.

        ## Dock your laptop
        1. Plug the dock's USB-C cable into the laptop port marked with the lightning or Thunderbolt
           symbol.
        2. The first time, wait up to 30 seconds while Windows sets up the screens. They may flash.
        3. Press **Windows + P** and choose **Extend** to use the monitors as extra screens, or
           **Second screen only** if you keep the lid closed.
        4. Arrange the screens in **Settings > System > Display**: drag the numbered boxes to match
           where the monitors stand, and tick **Make this my main display** for the one in front of
           you.

        ## Undock
        Just unplug the cable; windows move to the laptop screen. In a Teams call, expect Teams to
        switch to the laptop's speakers and microphone.

        ## Working with the lid closed
        Open **Control Panel > Hardware and Sound > Power Options > Choose what closing the lid
        does** and set *When I close the lid*, *Plugged in*, to **Do nothing**.

        ## Problems
        | Symptom | Try |
        |---|---|
        | Monitors stay black after sleep | See the known error on monitors after sleep. |
        | Laptop not charging | Use the lightning-symbol port; check the dock's own power supply. |
        | No network through the dock | Check the cable from the dock to the wall port. |
        | Keyboard or mouse dead | Unplug the dock's power for 30 seconds, then reconnect. |
        """,
    ),
    _article(
        "dock-monitors-after-sleep",
        "Known error: external monitors stay black after sleep on USB-C docks",
        "IT",
        "Hardware",
        "known error",
        ("dock", "monitor", "sleep", "known-error", "firmware"),
        """
        Status: fix being rolled out. Affects USB-C docks DOCK-0001 to DOCK-0420 on firmware older than
        1.0.18.

        ## Symptom
        After the laptop wakes from sleep, often after lunch with the lid closed, one or both
        monitors on the dock stay black or show "No signal". The laptop screen works. The keyboard
        and mouse on the dock may also stop responding. Replugging brings them back until the next
        sleep.

        ## Cause
        The dock's firmware fails to re-establish the DisplayPort link when the laptop resumes from
        modern standby. Firmware 1.0.18 and the current graphics driver fix it; IT is pushing both
        in batches.

        ## Workaround
        1. Unplug the USB-C cable from the laptop, wait 10 seconds and plug it back in.
        2. If the screens stay black, unplug the dock's power supply for 30 seconds, then reconnect
           power and the USB-C cable.
        3. Press **Windows + P** and choose **Extend** if the layout is wrong.

        Until your dock is updated you can stop the laptop sleeping while docked: open **Settings >
        System > Power & battery > Screen and sleep** and set *When plugged in, put my device to
        sleep after* to **Never**. The screens still turn off on their own.

        ## Resolution
        If it has happened to you more than twice, raise an IT ticket with the dock's asset number
        (sticker underneath) and we'll update your dock first.
        """,
    ),
    _article(
        "outlook-password-prompts",
        "Known error: Outlook keeps asking for your password after a password change",
        "IT",
        "Email & Teams",
        "known error",
        ("outlook", "password", "credential-manager", "known-error"),
        """
        Status: open, workaround available. Affects Outlook for Windows on college laptops after a
        password change.

        ## Symptom
        After you change your college password, Outlook shows a sign-in window again and again, even
        though you type the new password correctly. Teams and OneDrive may prompt as well. Webmail
        works normally.

        ## Cause
        Windows keeps old Office sign-in tokens in Credential Manager. After a password change they
        are rejected, but Outlook retries them before asking for the new password, and does not
        always replace them with the new one.

        ## Workaround
        1. Close Outlook, Teams, Word, Excel and PowerPoint.
        2. Open the Start menu, type `Credential Manager`, open it and choose **Windows Credentials**.
        3. Under *Generic Credentials*, remove every entry beginning `MicrosoftOffice16_Data`, and any
           entry mentioning `larkhaven.example`: expand it and click **Remove**.
        4. Off site? Connect the VPN and lock and unlock the laptop (Windows + L) so Windows has
           your new password.
        5. Restart the laptop, open Outlook and sign in once with your e-mail address and new
           password.

        If the prompts continue, open Word, go to **File > Account**, click **Sign out**, close Word,
        then reopen it and sign in again.

        ## Resolution
        A change moving all laptops to the newer Office sign-in method is planned. Until then, follow
        the workaround or raise an IT ticket and we'll do it with you remotely.
        """,
    ),
    _article(
        "print-release-card",
        "Known error: print release doesn't recognise a new ID card",
        "IT",
        "Printing",
        "known error",
        ("printer", "id-card", "print-release", "known-error"),
        """
        Status: open, workaround available. Affects anyone with a new or replacement ID card on the
        day it was issued.

        ## Symptom
        You tap your ID card on a printer's reader and the screen says **Card not recognised**, or
        asks you to register the card, even though your old card worked.

        ## Cause
        New card numbers are copied from the ID card system to the print system by a job that runs
        overnight at 02:00. Until it runs, the printers don't know the new card. When the job fails,
        cards issued that day are missed until the following night.

        ## Workaround
        Release your printing with a PIN instead of the card:
        1. Go to `https://print.larkhaven.example` and sign in.
        2. Open the **Print** tab. Your print PIN is shown under *My details*.
        3. At the printer, tap **Log in with PIN**, enter your username and PIN, and release your
           jobs as normal.

        Or register the new card at the printer yourself:
        1. Tap the new card. When asked *Register this card?*, choose **Yes**.
        2. Sign in with your username and password. The card works straight away from then on.

        ## Resolution
        Jobs wait in the queue for 24 hours, so nothing you sent today is lost. If the card still
        isn't recognised the day after it was issued, raise an IT ticket quoting the number on the
        back of the card and we'll link it by hand. The sync job is being changed to run hourly.
        """,
    ),
    _article(
        "software-center",
        "Installing software from Software Center",
        "IT",
        "Software",
        "how-to",
        ("software", "install", "software-center"),
        """
        College Windows laptops and PCs install approved software through **Software Center**, with
        no admin rights needed. Everything in it is licensed and tested for college devices.

        ## Install an application
        1. Open the Start menu and type `Software Center`.
        2. In **Applications**, search or browse. Titles licensed for your department appear
           automatically.
        3. Select the title and click **Install**. Keep the laptop plugged in and on the college
           network or the VPN.
        4. Progress shows under **Installation status**. Most installs take 5 to 15 minutes; some
           ask for a restart.

        ## Can't find it?
        - Some titles are offered only to the departments that license them. If a colleague sees it
          and you don't, raise a request naming the title and the course it's for.
        - For new software, raise a **Software install** request with the title, version, why it's
          needed, how many people need it, and your budget holder. IT checks licensing,
          accessibility and data protection before packaging it; allow two weeks.
        - Free software and browser extensions are requested the same way.

        ## Common errors
        | Error | Meaning and fix |
        |---|---|
        | 0x87D00607 | Content not found: the laptop can't reach the server. Connect on site or to the VPN. |
        | 0x87D00324 | Installed but not detected: restart, check the Start menu, then retry. |
        | Past due, will be installed | A required update is queued: leave the laptop on and connected. |

        ## Updates
        Software Center also installs Windows and Office updates. Restart when prompted within 7
        days, or the laptop restarts itself out of hours.
        """,
    ),
    _article(
        "shared-mailbox-outlook",
        "Adding a shared mailbox in Outlook",
        "IT",
        "Email & Teams",
        "how-to",
        ("outlook", "mailbox", "shared-mailbox"),
        """
        Shared mailboxes, such as `finance@larkhaven.example`, let a team read and send from one
        address. Access is approved by the mailbox owner and granted by IT.

        ## Automatic
        Once you have full access, the mailbox usually appears in the Outlook folder pane by itself
        within an hour. Restart Outlook if it hasn't.

        ## Add it by hand (Outlook for Windows)
        1. Go to **File > Account Settings > Account Settings**.
        2. Select your own e-mail account and click **Change...**.
        3. Click **More Settings...** and open the **Advanced** tab.
        4. Under *Open these additional mailboxes*, click **Add...**, type the mailbox name, for
           example `Finance`, and click **OK**.
        5. Click **Apply**, **OK**, **Next** and **Finish**, then restart Outlook.

        ## Outlook on the web
        Right-click **Folders** in the left pane, choose **Add shared folder or mailbox** and enter
        the address.

        ## Sending as the shared mailbox
        1. In a new message, open the **Options** tab and click **From** to show the From field.
        2. Click **From > Other e-mail address** and choose the shared mailbox.

        IT sets shared mailboxes up so that messages you send as them are also saved in the shared
        mailbox's own Sent Items, where the whole team can see them.

        ## Good practice
        - Agree in the team who answers what, and use categories or flags to show a message is
          being handled.
        - Don't delete messages others may need; the whole team sees the same mailbox.
        """,
    ),
    _article(
        "voicemail-forwarding",
        "Voicemail and call forwarding on your desk phone",
        "IT",
        "Phones",
        "how-to",
        ("phone", "voicemail", "forwarding"),
        """
        Every staff desk phone has voicemail, and calls can be forwarded to another extension or to
        a mobile.

        ## Set up voicemail
        1. Press the **Messages** (envelope) button.
        2. Enter the temporary PIN the Service Desk gave you, then follow the prompts to record your
           name and greeting and choose a new 6-digit PIN.
        3. To change your greeting later, press **Messages**, enter your PIN, then press **3** for
           personal options.

        ## Forward all calls
        1. Press **Forward All** (the *Fwd All* soft key on some models).
        2. For a mobile, dial **9** then the number. For another extension, dial its 4 digits.
        3. The screen shows *Forwarded to* and the number. Press **Forward All** again to cancel.

        Forwarding to outside numbers works only on phones allowed to make outside calls.

        ## Forward on a schedule
        Sign in to the phone portal (`https://phones.larkhaven.example`) and choose **Call forwarding
        > Schedule**. Add a rule, for example every Tuesday 09:00 to 16:00 to your mobile, and save.
        Scheduled rules don't show an icon on the phone, so check the portal if calls go missing.

        ## Voicemail by e-mail
        Voicemails are also sent to your inbox as an audio attachment. Deleting the e-mail doesn't
        delete the voicemail from the phone: press **Messages** to clear it there.

        ## Forgotten PIN
        Raise an IT request. We reset it to a temporary PIN and ring your desk phone with it.
        """,
    ),
    _article(
        "phishing-report",
        "Recognising and reporting phishing e-mails",
        "IT",
        "Security",
        "how-to",
        ("phishing", "security", "email"),
        """
        Phishing e-mails try to make you click a link, open an attachment, or hand over a password,
        bank details or an MFA code. They often pretend to come from Payroll, IT, a delivery company
        or a senior colleague.

        ## Warning signs
        - Urgency: "your account will be closed today", "salary update required".
        - A sender address that doesn't match the name. Mail from outside the college is tagged
          **[EXTERNAL]** in the subject.
        - Links whose real address, shown when you hover over them, isn't a college site.
        - Unexpected attachments, especially `.zip`, `.html`, or Office files asking you to
          "enable content".
        - Requests to change bank details, buy gift cards or approve a sign-in.

        ## Report it
        1. In Outlook, select the message and click **Report > Report phishing** on the ribbon (in
           Outlook on the web, **... > Report > Report phishing**).
        2. Don't forward it to colleagues to ask whether it's genuine.
        3. Delete it.

        IT checks who else received it and removes it from every mailbox.

        ## If you clicked or replied
        Act quickly. Reporting a mistake is never a disciplinary matter.
        1. If you typed your password: reset it now at `https://account.larkhaven.example/reset`.
        2. Call the IT Service Desk on 555-0190 and say what you clicked and when.
        3. If you gave bank or card details, call your bank as well.
        4. Deny any sign-in prompt you didn't start.
        """,
    ),
    _article(
        "lost-device",
        "Reporting a lost or stolen device",
        "IT",
        "Security",
        "how-to",
        ("lost-device", "security", "data-protection"),
        """
        Report a lost or stolen college laptop, phone or tablet straight away, even if you hope to
        find it. Acting quickly protects you, your students and the college.

        ## Do this now
        1. Call the IT Service Desk on 555-0190, or raise a ticket from another device out of hours.
           Give the asset number if you know it (on your equipment form) and where and when you last
           had the device.
        2. If it was stolen, report it to the police and note the crime reference number.
        3. Change your college password from another device, especially if your browser saved
           passwords.

        ## What IT does
        - Disables the device's sign-in so nobody can use your account on it.
        - Sends a remote lock and wipe that run the next time the device goes online.
        - Confirms encryption. College laptops are BitLocker-encrypted, so the disk can't be read
          without your sign-in.

        ## Data protection
        If personal data was on paper in the same bag, or on an unencrypted USB stick, fill in the
        **data breach report** form on the staff intranet the same day. The Data Protection Officer
        decides whether it must be reported to the regulator, which must happen within 72 hours.

        ## Replacement
        A loan or replacement device is set up while you wait at the Service Desk (North Building,
        N0.04). OneDrive files sync back when you sign in; anything saved only on the lost laptop
        can't be recovered.

        ## If it turns up
        Tell us before using it. It has to be re-enabled and may need re-imaging.
        """,
    ),
    _article(
        "classroom-projector",
        "Connecting to the classroom projector or screen",
        "IT",
        "AV & classrooms",
        "how-to",
        ("projector", "av", "classroom", "hdmi"),
        """
        Every teaching room has a room PC and a desk plate with HDMI and USB-C cables for laptops.
        The controls are on the wall panel by the door or on the lectern.

        ## Using the room PC
        1. Press **On** on the wall panel. The projector takes about 30 seconds to warm up.
        2. Press **PC** on the panel.
        3. Sign in to the room PC with your own account.

        ## Using your laptop
        1. Plug the HDMI or USB-C cable from the desk plate into your laptop.
        2. Press **Laptop** (or **HDMI 1**) on the wall panel.
        3. On Windows, press **Windows + P** and choose **Duplicate** to show the same picture on
           both, or **Extend** to keep notes on the laptop (PowerPoint's Presenter View). On a Mac,
           open **System Settings > Displays** and set the projector to mirror the built-in display.
        4. For sound through the room speakers, click the speaker icon and choose the HDMI output.

        ## No picture?
        | Problem | Fix |
        |---|---|
        | "No signal" | Check the panel source matches the cable (Laptop / HDMI 1); replug the cable. |
        | Picture cut off or blurry | Set the laptop's resolution to 1920 x 1080. |
        | Projector won't turn on | It may be cooling down: wait 2 minutes and try again. |
        | No sound | Choose the HDMI output on the laptop; raise the volume on the panel. |

        ## Report a fault
        Raise an IT ticket with the room number and the projector's asset tag (PRJ- and three
        digits, on the ceiling mount). If a lesson is affected, call 555-0190 and say so: we aim to
        attend within 15 minutes during teaching hours.
        """,
    ),
    _article(
        "file-storage-faq",
        "FAQ: where should I save my files?",
        "IT",
        "Software",
        "faq",
        ("onedrive", "storage", "h-drive", "backup"),
        """
        Short answers to the questions we're asked most about storage. This FAQ is being reviewed
        with the Data Protection Officer before it is published.

        ## Where should I save my own work?
        In **OneDrive**. It's backed up, available on any device, and survives a lost or broken
        laptop. Desktop and Documents on college laptops already sync to OneDrive: look for the
        green tick.

        ## What about the H: drive?
        H: is the older home drive. It's still backed up nightly but only reachable on site or over
        the VPN. Staff are moving from H: to OneDrive department by department this year; you'll be
        told before yours moves.

        ## Where should team files go?
        In the team's **Teams channel** (Files tab) or the department folder on **S:**. Don't keep
        the only copy of shared work in your OneDrive: when someone leaves, their OneDrive is
        deleted after 90 days.

        ## Can I use a USB stick?
        Only college-issued encrypted sticks, and only when you must. Staff laptops block writing
        to unencrypted sticks.

        ## How much space do I have?
        | Location | Space |
        |---|---|
        | OneDrive | 1 TB |
        | H: drive | 20 GB |
        | Mailbox | 100 GB |

        ## Can I get back something I deleted?
        In OneDrive, restore it from the **Recycle bin** on the OneDrive website (kept for 93 days).
        On H: or S:, right-click the folder and choose **Properties > Previous Versions** for the
        last 14 days, or raise an IT ticket.
        """,
        status="draft",
    ),
)

_FACILITIES_ARTICLES: Final[tuple[Article, ...]] = (
    _article(
        "reset-tripped-breaker",
        "Resetting a tripped breaker safely",
        "Facilities",
        "Electrical",
        "how-to",
        ("electrical", "breaker", "mcb", "rcd", "safety"),
        """
        When a circuit is overloaded or has a fault, a breaker (MCB) or residual current device (RCD
        or RCBO) in the local distribution board switches off to protect people and wiring. Trained
        staff who hold a board key, such as caretakers and technicians, may reset a breaker once by
        following these steps. Everyone else: call the Estates helpdesk on 555-0191.

        ## Don't reset it if
        - there is a smell of burning, smoke, scorch marks or buzzing from the board;
        - there is water near the board, the sockets or the equipment;
        - the board is marked *Estates only*, or is in a plant room;
        - the breaker has already tripped and been reset once today.

        Leave it off, keep people away and call Estates.

        ## Steps
        1. Unplug or switch off everything on the affected sockets or equipment. One faulty
           appliance is the usual cause; heaters and kettles are common culprits.
        2. Open the board and find the device that has dropped: its switch is down or in the middle.
           The circuit chart inside the door shows what each way serves.
        3. Push the switch **fully down to OFF** first, then firmly **up to ON**. A switch left in
           the middle position will not reset.
        4. Plug appliances back in **one at a time**. If it trips when one goes in, that appliance
           is faulty: label it *Do not use* and report it.
        5. Close and lock the board.

        ## If it trips again straight away
        Leave it off: there is a fault in the wiring or fixed equipment. Raise an urgent Facilities
        ticket with the board reference (for example DB-N2-1) and the way number, and an electrician
        will test the circuit.

        ## Record it
        Note the reset in the building logbook: date, time, board, way, and what you unplugged.
        """,
    ),
    _article(
        "water-leak",
        "Reporting a water leak",
        "Facilities",
        "Plumbing",
        "how-to",
        ("plumbing", "leak", "water", "safety"),
        """
        Water leaks cause slips, damage ceilings and can make electrics dangerous. Act fast, but
        stay safe.

        ## 1. Make it safe
        - Keep people away and put out a wet-floor sign (every cleaner's cupboard has them).
        - **Don't touch** switches, sockets, lights or equipment that are wet or near the water.
        - If water is coming through a ceiling near lights, or a ceiling tile is sagging, clear the
          room and close the door.
        - Move laptops and papers out of the way if you can do so without touching wet electrics.

        ## 2. Report it straight away
        Call the Estates helpdesk on **555-0191** (out of hours, security on 555-0194), then raise
        a Facilities ticket so there is a record. Tell us:

        | What | Example |
        |---|---|
        | Exact location | South Building, Room S1.11, by the window |
        | Where the water comes from | Ceiling tile, radiator, under a sink, toilet |
        | How fast | A drip every few seconds, or a steady stream |
        | Clean or dirty | Clear, or discoloured and smelly |
        | Electrics nearby | Light fitting next to the leak |

        Photos help: attach them to the ticket.

        ## 3. Contain it
        - Put a bin or bucket under drips and empty it before it overflows.
        - If you know where the local isolation valve is (under a sink, or a small slotted valve on
          the pipe), turn it a quarter turn so the slot is across the pipe. Don't force a stiff valve.

        ## What Estates do
        An engineer isolates the supply, repairs the leak, tests affected electrics before they are
        used again and arranges drying and new ceiling tiles. Dirty water from drains or toilets is
        cleaned up by the cleaning team with disinfectant.
        """,
    ),
    _article(
        "heating-schedules",
        "Heating and cooling: schedules and thermostats",
        "Facilities",
        "HVAC",
        "how-to",
        ("hvac", "heating", "bms", "temperature"),
        """
        Heating, ventilation and cooling in most college buildings are run by the building
        management system (BMS), not by room thermostats. Knowing how it works explains most "too
        hot" and "too cold" reports.

        ## Term-time schedules
        | Building | Warm by | Off at | Weekends |
        |---|---|---|---|
        | North Building | 07:00 | 18:00 | Off |
        | South Building | 07:00 | 21:30 | Saturday 08:00-13:00 |
        | Technology Centre | 07:30 | 18:00 | Off |
        | Quay House | 07:30 | 20:00 | Off |
        | Fernley Pavilion | 07:00 | 22:00 | 08:00-18:00 |

        The BMS starts earlier on cold days (optimum start) so rooms are warm by the time shown.
        Outside these hours rooms are held at 12°C for frost protection. Holidays run a reduced
        schedule.

        ## Set points
        - Offices and classrooms: heating to **21°C**; cooling, where fitted, above **24°C**.
        - Workshops and the sports hall: 16 to 18°C.

        The wall adjuster in many rooms (a dial or **-/+** buttons) moves the set point by up to
        **2°C** either way. Turning it fully up doesn't heat the room any faster.

        ## Timed override
        Rooms used outside the schedule have an **override button** on the wall sensor. Press it
        once for 2 hours of heating or ventilation. For regular late events, ask Estates to change
        the schedule instead.

        ## Radiator valves
        On radiators with numbered valve heads, 3 is about 20°C; use the * (frost) setting in
        unused rooms. Don't cover valves or wall sensors with furniture or posters.

        ## When to report
        Raise a Facilities ticket if a room is below 18°C or above 26°C while in use, or if
        radiators are hot when the heating should be off. Personal heaters aren't allowed: they
        overload circuits and confuse the BMS.
        """,
    ),
    _article(
        "cold-mornings-after-bms-update",
        "Known error: rooms cold first thing after the BMS controller update",
        "Facilities",
        "HVAC",
        "known error",
        ("hvac", "heating", "bms", "known-error"),
        """
        Status: open, workaround available. Affects heating zones in North Building and Quay House
        whose controllers were updated last month.

        ## Symptom
        Rooms are cold (14 to 17°C) at the start of the day, especially on Monday mornings and after
        cold nights, then warm up by late morning. Radiators are cold at 08:00 even though the
        building schedule says the heating is on.

        ## Cause
        A firmware update to some BMS zone controllers switched off **optimum start**. Optimum start
        turns the heating on early, up to 3 hours before occupancy on a cold Monday, so rooms reach
        21°C by the scheduled time. Without it the heating starts at the occupancy time, so rooms are
        still warming up when people arrive.

        ## Workaround
        - **Occupants:** report the room on a Facilities ticket. Estates apply a 4-hour override
          straight away and the room warms within about an hour.
        - **BMS operators:** for each affected zone, re-enable optimum start in the controller's
          parameters and check the maximum preheat is 180 minutes. If the controller won't accept
          it, bring occupancy forward 2 hours on Mondays and 1 hour on other days as a temporary
          schedule, and note the zone on the problem ticket.
        - Don't raise set points to compensate: it wastes energy and overheats rooms by the
          afternoon.

        ## Resolution
        The controls contractor is checking every controller updated in the last month and restoring
        optimum start. Zones already fixed are listed on the problem ticket. This article will be
        withdrawn when all zones are confirmed.
        """,
    ),
    _article(
        "fire-door-faults",
        "Fire door faults: what to look for and report",
        "Facilities",
        "Safety",
        "how-to",
        ("fire-door", "safety", "compliance"),
        """
        Fire doors hold back fire and smoke for at least 30 minutes so people can escape, but only
        if they close fully by themselves. Every fire door fault is treated as high priority.

        ## Quick check (anyone)
        Fire doors are signed **Fire door keep shut** (or *keep locked*, or *automatic*). Check:
        1. Opened fully and let go, the door closes by itself and **latches** into the frame, from
           any angle.
        2. The gaps at the sides and top are even and about 3 mm, the thickness of a £1 coin.
        3. The intumescent strips and smoke seals in the door edge or frame are present and intact.
        4. The hinges are tight, the glass is whole and the door isn't damaged or holed.
        5. Nothing stops it closing: wedges, hooks, furniture or door stops.

        ## Never
        - Wedge or prop a fire door open. If a door needs to stay open for access, ask for a
          **hold-open device** that releases when the fire alarm sounds.
        - Remove the closer, signs or seals, or fix anything to the door.

        ## Report a fault
        Raise a **Facilities > Safety** ticket with:
        - the location: building, floor and the rooms either side;
        - what's wrong: doesn't close, doesn't latch, damaged seal, large gap, broken glass;
        - whether the door is on an escape route or stairwell.

        If the door won't close at all, phone the Estates helpdesk too (555-0191).

        ## What Estates do
        A door that doesn't close or latch is made safe the same day. Repairs use certified parts,
        such as closers to EN 1154 and matching intumescent seals, are recorded in the fire door
        register, and the door is checked again at the next quarterly inspection.
        """,
    ),
    _article(
        "room-move-booking",
        "Booking an office or room move",
        "Facilities",
        "Rooms & moves",
        "how-to",
        ("move", "furniture", "planning"),
        """
        Moves of people, furniture and equipment are planned by Estates together with IT. Give us
        as much notice as you can: at least **four weeks** for a team move and **five working days**
        for a single desk.

        ## 1. Agree the move
        - Get approval from your head of department and from whoever owns the destination room.
        - Check the layout with Estates: desk numbers, fire escape routes, power and data points.

        ## 2. Raise the request
        Raise a **Facilities > Rooms & moves** request with:

        | Item | Details |
        |---|---|
        | Who | Names and number of people moving |
        | From and to | Current and new room numbers |
        | When | Preferred date, and dates to avoid |
        | Furniture | Desks, pedestals, cabinets, and anything staying behind |
        | IT | PCs, phones, printers and docks; IT get a linked ticket |
        | Layout | A plan or sketch, attached |

        ## 3. Before move day
        - Crates arrive two days before. Pack personal items, files and desk contents, and label
          every crate and item with the **new room number**.
        - Empty filing cabinets and pedestals: full ones can't be moved safely.
        - Leave IT equipment plugged in. The IT team disconnects and reconnects PCs and phones.
        - Chemicals and lab equipment need their own arrangements: say so on the request.

        ## 4. Move day and after
        The removals team works to the plan; someone from your team should be in the new room to
        direct them. IT reconnects equipment the same day. Report anything missing or damaged on the
        same ticket within five working days. Crates are collected one week after the move.
        """,
    ),
    _article(
        "lift-entrapment",
        "Lift entrapment procedure",
        "Facilities",
        "Safety",
        "how-to",
        ("lift", "entrapment", "emergency", "safety"),
        """
        What to do if you are trapped in a lift, or find someone who is. Lifts are on every site;
        each has its number (for example LIFT-02) on the landing plate.

        ## If you are trapped
        1. Stay calm. You won't run out of air, and safety brakes stop the car from falling.
        2. Press and hold the **alarm button** (bell symbol) for 5 seconds. You'll be put through
           to reception or the lift company's 24-hour line.
        3. Say which building and lift you're in, how many people are in the car, and whether
           anyone is unwell.
        4. Wait for help. **Don't try to open the doors or climb out**, even if the car is near a
           floor.

        ## If someone else is trapped (all staff)
        1. Reassure them through the doors or intercom, tell them help is coming, and keep talking.
        2. Call the **Estates helpdesk on 555-0191**, or **security on 555-0194** out of hours. Give
           the building, lift number and which floors the car is between.
        3. If anyone is unwell, injured, very distressed or has a medical condition, **call 999**
           as well.
        4. Put a *Lift out of use* sign on each landing, and stay nearby until help arrives.

        ## Estates and security
        - Call the lift contractor's emergency line (on the lift log in the motor room). Their target
          is 45 minutes in the day and 1 hour at night. Log the time of the call on the ticket.
        - **Only trained, authorised people may release passengers.** Never open landing doors or
          hand-wind the car unless you hold the college's lift release training.
        - After the release, check the passengers are well and record the entrapment in the lift
          log book. The lift stays out of service until the contractor has fixed the fault.
        - Report the entrapment to Health & Safety the same day.
        """,
    ),
    _article(
        "lost-keys-cards",
        "Lost keys and ID cards",
        "Facilities",
        "Security & access",
        "how-to",
        ("keys", "id-card", "access-control", "security"),
        """
        Your ID card is also your door access card, print card and library card. Keys to offices
        and stores are issued and recorded by Estates.

        ## Lost or damaged ID card
        1. Report it at once at any reception, or raise a **Facilities > Security & access** ticket.
           The old card is cancelled straight away so nobody else can open doors with it.
        2. Collect a replacement from North Building reception (N0.01) or Quay House reception
           (Q0.01), bringing photo ID. The first staff replacement each year is free, then £5;
           students pay £5 at Student Services.
        3. The new card opens doors immediately. Print release may not know it until the next
           morning: see the known error about new ID cards and printing.

        ## Card doesn't open a door
        - A **red** light on the reader means you don't have access to that door at that time; **no
          light** means the reader has a fault.
        - Access to a room is approved by its owner, usually the head of department. Ask them to
          approve, then raise a ticket.
        - If a reader is faulty and you're locked out, go to reception: they can release the door
          remotely.

        ## Keys
        - Your line manager requests keys with the **key request form**; you sign for them at the
          Estates office (Technology Centre, T0.14).
        - Report a lost key at once. Some keys open many rooms, so the lock may need changing, at
          the department's cost.
        - Return keys to Estates when you leave or change rooms. Don't pass them to colleagues.

        ## Out of hours
        Security is on site 24 hours at the Main Campus lodge: 555-0194.
        """,
    ),
    _article(
        "facilities-emergencies-faq",
        "FAQ: what counts as an estates emergency?",
        "Facilities",
        "Safety",
        "faq",
        ("emergency", "priorities", "out-of-hours"),
        """
        Estates prioritise work by risk to people first, then to buildings and teaching. This FAQ
        explains what to phone in and what to raise as a ticket.

        ## What should I phone in immediately?
        Call the Estates helpdesk on **555-0191** (08:00 to 18:00), or security on **555-0194** out
        of hours, for:
        - anyone trapped in a lift;
        - water leaking near electrics, or flooding;
        - a smell of gas (leave the area; don't use switches or phones there);
        - exposed wiring, sparking or a burning smell;
        - a fire door or outside door that won't close or lock;
        - no heating in a whole building in winter, or an overheating server room.

        For a fire, a serious injury or anything life-threatening, call **999** first.

        ## What about everything else?
        Raise a Facilities ticket. Our targets:

        | Priority | Example | Attend within |
        |---|---|---|
        | P1 Critical | Lift entrapment, major leak | 1 hour |
        | P2 High | Fire door fault, no power to a room | 4 hours |
        | P3 Medium | Room too hot, blocked toilet | 2 working days |
        | P4 Low | Extra furniture, pictures to hang | 10 working days |

        ## Why was my ticket given a lower priority?
        Priority comes from how many people are affected and how urgent it is. If the impact is
        bigger than we think, for example a class can't be taught or someone is at risk, reply on
        the ticket and say so.

        ## Can I fix it myself?
        Please don't, unless you're trained and it's part of your job. Trained staff may reset a
        tripped breaker once, following the separate article.
        """,
    ),
    _article(
        "spills-and-cleaning",
        "Spills, cleaning requests and waste",
        "Facilities",
        "Cleaning",
        "how-to",
        ("cleaning", "spill", "waste"),
        """
        Cleaning is done by our contractor, Clearwater Cleaning, every weekday evening on all sites,
        with a duty cleaner on each site from 07:00 to 19:00.

        ## Spills
        1. Put out a **wet-floor sign** (kept in every cleaner's cupboard and at reception).
        2. Call the Estates helpdesk on 555-0191 and ask for the duty cleaner, or raise an urgent
           Facilities ticket with the exact location.
        3. For body fluids or broken glass, don't clean it up yourself: keep people away and wait
           for the duty cleaner, who has the spill kit and protective equipment.
        4. Chemical spills in labs and workshops follow the department's COSHH procedure instead.

        ## Routine cleaning
        | Area | How often |
        |---|---|
        | Toilets and kitchens | Twice a day |
        | Classrooms and offices | Daily, bins emptied daily |
        | Floors vacuumed | Daily in classrooms, twice a week in offices |
        | Inside windows | Once a term |

        If a room is missed, raise a **Facilities > Cleaning** ticket with the room number. It's
        usually a route-sheet problem we can fix the same day.

        ## Extra cleans
        For events, open days and room moves, book a clean at least **five working days** ahead.
        Tell us the room, when it will be free, and when it's next needed.

        ## Waste
        - Confidential paper goes in the locked grey consoles, never in recycling.
        - Leave batteries, toner cartridges and electrical items at the Estates office for
          collection.
        """,
        status="draft",
    ),
    _article(
        "emergency-lighting-tests",
        "Monthly emergency lighting tests",
        "Facilities",
        "Safety",
        "how-to",
        ("emergency-lighting", "compliance", "testing"),
        """
        Emergency lights come on when the power fails so people can find their way out. BS 5266
        requires a short functional test of every fitting each month and a full-duration test each
        year. Caretakers do the monthly tests; this is the procedure they follow.

        ## Monthly functional test
        1. Choose a quiet time and tell reception you're testing.
        2. At each test switch (a key switch near the distribution board, labelled *Emergency
           lighting test*), turn the key to **Test**. This cuts the charging supply, simulating a
           power failure.
        3. Walk the circuit and check every emergency fitting and exit sign on it is lit.
        4. Turn the key back to **Normal** and check the green charging light on each fitting comes
           back on.
        5. Keep the test short, so batteries are ready if a real power cut follows.

        ## Record it
        Write every test in the fire logbook: date, circuits tested, fittings that failed (by asset
        number, for example EL-042), and your name.

        ## If a fitting fails
        - Raise a **Facilities > Safety** ticket for each failed fitting, with its asset number and
          location.
        - If fittings on an escape route fail, tell the Estates supervisor the same day: temporary
          lighting may be needed.
        - After the repair, test the fitting again and record the retest.

        ## Annual test
        Once a year a contractor runs every fitting for its full rated duration, usually 3 hours.
        It's done when the building is closed, because the batteries need up to 24 hours to
        recharge afterwards.
        """,
        status="draft",
    ),
)

_HR_ARTICLES: Final[tuple[Article, ...]] = (
    _article(
        "annual-leave-request",
        "Requesting annual leave",
        "HR",
        "Leave",
        "how-to",
        ("annual-leave", "portal", "holiday"),
        """
        Book all annual leave through the HR portal, so your manager can approve it and your balance
        stays right.

        ## Your entitlement
        The leave year runs from **1 September to 31 August**. Your entitlement is in your contract
        and in the portal under **My Leave > Balance**; part-time entitlements are shown in hours.
        Teaching staff take most leave in college closure periods: check with your manager before
        booking leave in term time.

        ## Book leave
        1. Sign in to the HR portal (`https://people.larkhaven.example`).
        2. Go to **My Leave > Request leave**.
        3. Choose **Annual leave**, then the first and last days, and AM or PM for half days.
        4. Add a note for your manager if it helps, such as cover arrangements, and click **Submit**.
        5. Your manager gets an e-mail, and you get one when they approve or decline. Until then the
           request shows *Awaiting approval*.

        ## Cancel or change leave
        Open **My Leave > Requests**, select the request and choose **Cancel**. Leave that has
        already started can only be changed by People Services: raise an HR ticket.

        ## Carrying leave over
        Up to **5 days** can be carried into the next leave year with your manager's approval,
        requested by 31 July. Carried-over days appear in your balance once approved.

        ## Common problems
        | Problem | What to do |
        |---|---|
        | Stuck on *Awaiting approval* | Check your manager under **My Details > Reporting line**. |
        | Balance looks wrong | Check for pending carry-over, then raise an HR ticket. |
        | Ill during leave | Tell your manager on the first day; see the sickness absence FAQ. |
        """,
    ),
    _article(
        "payslip-access",
        "Viewing and downloading your payslip",
        "HR",
        "Payroll",
        "how-to",
        ("payslip", "pay", "portal", "p60"),
        """
        Payslips are online only. Salaries are paid on the **last working day of the month**, and
        payslips appear in the HR portal two working days before.

        ## View your payslip
        1. Sign in to the HR portal (`https://people.larkhaven.example`) with your college account.
        2. Go to **My Pay > Payslips**.
        3. Select the month to open it, or click **Download PDF** to save or print it.

        If the PDF doesn't open, allow pop-ups for the portal in your browser.

        ## Reading your payslip
        | Section | What it shows |
        |---|---|
        | Payments | Basic salary, overtime, allowances and any arrears |
        | Deductions | Income tax, National Insurance, pension, student loan, salary sacrifice |
        | Tax code | Set by HMRC: query it with HMRC, not payroll |
        | Year to date | Totals since 6 April, the start of the tax year |

        ## P60 and P11D
        Your **P60**, the summary of a tax year's pay and tax, is published under **My Pay >
        Documents** by 31 May. A **P11D** appears by 6 July if you had taxable benefits.

        ## Leaving the college
        You can still sign in to the portal for **three months** after your last day. Download your
        payslips and your P45 before then.

        ## Something wrong?
        Raise an HR ticket under **Payroll** with the month and what you expected to see. Overtime
        and claims that reach payroll after the **10th** of the month are paid the following month.
        """,
    ),
    _article(
        "onboarding-checklist",
        "New starter onboarding checklist (for managers)",
        "HR",
        "Onboarding",
        "how-to",
        ("onboarding", "new-starter", "checklist", "manager"),
        """
        Use this checklist for every new member of staff so they can work from day one. People
        Services handle contracts and checks; the manager owns the welcome.

        ## Before day one
        | When | Task | Who |
        |---|---|---|
        | Offer accepted | Right to work, references, enhanced DBS for work with under-18s | People Services |
        | 2 weeks before | Confirm start date, hours and location | Manager |
        | 2 weeks before | Starter record completed: triggers IT account and ID card | People Services |
        | 1 week before | Request laptop, phone, mailbox and folder access | Manager, IT ticket |
        | 1 week before | Book a desk and keys | Manager, Facilities ticket |
        | 3 days before | Welcome e-mail: start time, where to go, who to ask for | Manager |

        Someone working with under-18s **cannot start** until their DBS certificate has been seen and
        recorded, or an approved risk assessment is in place.

        ## Day one
        1. Meet them at reception and collect their ID card.
        2. Show them their desk, fire exits, assembly point, toilets and kitchen.
        3. Help them sign in and set up MFA; check e-mail and Teams work.
        4. Introduce the team and a buddy for the first month.
        5. Book the college induction, which runs every other Monday.

        ## First month
        - Mandatory training in the learning portal within four weeks: safeguarding, Prevent, data
          protection, health and safety, and equality and diversity.
        - Weekly one-to-ones, and objectives agreed for probation.
        - Probation reviews at 3 and 6 months.
        """,
    ),
    _article(
        "claiming-expenses",
        "Claiming expenses and mileage",
        "HR",
        "Payroll",
        "how-to",
        ("expenses", "mileage", "pay"),
        """
        You can claim back reasonable costs of travel and purchases for college business. Claims
        are made in the HR portal and paid with your salary.

        ## What you can claim
        | Expense | Rate or limit |
        |---|---|
        | Mileage in your own car | 45p a mile for the first 10,000 business miles in the tax year, then 25p |
        | Motorcycle | 24p a mile |
        | Bicycle | 20p a mile |
        | Public transport | Standard class fare |
        | Parking | Actual cost, with receipt |
        | Meals on overnight stays | Up to £25 a day, with receipts |

        Mileage is the distance beyond your normal commute. You can't claim for travel between home
        and your usual site.

        ## Make a claim
        1. Sign in to the HR portal and open **My Pay > Expenses > New claim**.
        2. Add each item with its date, purpose, and cost or miles (with start and end postcodes).
        3. Photograph or scan each receipt and attach it to its item.
        4. Submit. Your line manager approves the claim in the portal.

        ## When you're paid
        Claims your manager approves by the **10th** are paid with that month's salary. Submit claims
        within **three months** of the expense; older claims need the Director of Finance's approval.

        ## Tips
        - For anything over £100, use a college purchase card or purchase order instead.
        - Keep paper receipts until the claim is paid.
        - If a claim is returned, the reason is shown in the portal: fix it and resubmit.
        """,
    ),
    _article(
        "sickness-absence-faq",
        "FAQ: reporting sickness absence",
        "HR",
        "Leave",
        "faq",
        ("sickness", "absence", "fit-note"),
        """
        Answers to the most common questions about being off sick. The full sickness absence policy
        is in the HR portal under **Policies**.

        ## Who do I tell, and when?
        Phone your line manager (not a text or e-mail) as early as you can on the first day, and by
        **08:30** at the latest if you teach, so your classes can be covered. If you can't reach
        them, call People Services on 555-0193.

        ## Do I need a fit note?
        For up to **7 calendar days**, no: complete the self-certification form in the HR portal
        (**My Leave > Sickness > Self-certify**) when you return. For longer absences you need a
        **fit note** from your GP or hospital; upload it in the portal.

        ## Will I be paid?
        Yes, for the period in your contract, which increases with length of service. Statutory
        Sick Pay is included in that, not paid on top.

        ## What if I'm ill during annual leave?
        Tell your manager on the first day of illness, as you normally would, and get a fit note if
        it lasts more than 7 days. Those days are recorded as sickness and the leave is given back.

        ## What happens when I come back?
        Your manager has a short **return-to-work** conversation with you on your first day back,
        to check you're fit to work and whether you need any support.

        ## Who can see why I was off?
        Only your manager, People Services and, if you're referred, Occupational Health.

        ## What if I have a long-term condition?
        Talk to your manager or People Services about reasonable adjustments. Occupational Health
        can recommend changes to your duties or hours.
        """,
    ),
    _article(
        "bank-details-faq",
        "FAQ: changing your bank details for pay",
        "HR",
        "Payroll",
        "faq",
        ("bank-details", "pay", "fraud"),
        """
        How to change the account your salary is paid into, and why we are strict about it.

        ## How do I change my bank details?
        In the HR portal, go to **My Details > Bank** and enter the new sort code and account
        number. You'll be asked to approve the change on your MFA app.

        ## Will it apply this month?
        Yes, if you change it by the **10th** of the month. After that, this month's pay goes to the
        old account, so don't close it until your first salary has reached the new one.

        ## Can I e-mail payroll to change it instead?
        No. We **never** change bank details from an e-mail or a phone call. Fraudsters send e-mails
        pretending to be staff and asking for salaries to be redirected. An e-mail from "payroll"
        asking you to confirm bank details through a link is phishing: report it.

        ## Why did payroll phone me after I changed them?
        As a fraud check, we call you on the number on your record about any change made within 10
        days of payday. If we can't reach you, the change waits until the next month.

        ## Can my pay be split across two accounts?
        No. Salary is paid into one UK bank or building society account in your name, or a joint
        account that includes you.

        ## I've changed my name. Do I need to do anything?
        Update your name in **My Details > Personal** and upload evidence. Your bank details stay
        the same unless the account name changed too.
        """,
    ),
    _article(
        "cycle-to-work-faq",
        "FAQ: cycle to work scheme",
        "HR",
        "Benefits",
        "faq",
        ("benefits", "cycle-to-work", "salary-sacrifice"),
        """
        The cycle to work scheme lets you get a bike and safety equipment through salary sacrifice,
        saving income tax and National Insurance on the cost.

        ## Who can join?
        Staff whose contract runs for at least the 12-month hire period, and whose pay after the
        deduction stays above the National Minimum Wage.

        ## How much can I spend?
        The college sets no upper limit, so e-bikes are included. The monthly deduction must still
        leave you above minimum wage; the application checks this for you.

        ## How does it work?
        1. Choose a bike and accessories (helmet, lights, lock) at a participating shop.
        2. Apply through **Benefits > Cycle to work** in the HR portal, with the quote.
        3. People Services approve it, usually within five working days, and the scheme provider
           e-mails you a voucher to take to the shop.
        4. The cost comes out of your **gross** salary in 12 monthly instalments.

        ## Do I own the bike?
        During the hire period the bike belongs to the scheme provider. At the end you can usually
        buy it for a small payment based on its market value, or extend the hire.

        ## What if I leave?
        Any remaining instalments are taken from your final pay after tax, so you lose the tax
        saving on those.

        ## Is the scheme open now?
        Yes, all year round.
        """,
    ),
    _article(
        "flexible-working-request",
        "Making a flexible working request",
        "HR",
        "Policy",
        "how-to",
        ("flexible-working", "policy", "hours"),
        """
        Everyone employed by the college can ask to change their hours, working times or place of
        work from their **first day**. You can make **two** requests in any 12 months.

        ## Before you apply
        - Decide what you want (fewer hours, compressed hours, different start and finish times,
          some home working, term-time only) and from when.
        - Think about the effect on your team and students and how it could work. You don't have to,
          but it helps your manager agree.
        - If you can, talk to your manager informally first.

        ## Apply
        1. In the HR portal, go to **Forms > Flexible working**.
        2. Describe the change you want and the date you'd like it to start.
        3. Submit. Your manager and People Services are notified.

        ## What happens next
        | Step | Timescale |
        |---|---|
        | Meeting with your manager to discuss it | Within 4 weeks |
        | Written decision, including any appeal | Within **two months** of your request |
        | Contract change, if agreed | From the agreed start date |

        Your manager must consult you before refusing, and can only refuse for one of the business
        reasons set out in law, such as extra cost, effect on quality or performance, or being
        unable to reorganise the work. They may suggest a trial period or a different pattern.

        ## If it's refused
        You can appeal in the portal within 10 working days. A different manager hears the appeal.
        """,
    ),
    _article(
        "pension-faq",
        "FAQ: pensions at the college",
        "HR",
        "Benefits",
        "faq",
        ("pension", "benefits", "tps", "lgps"),
        """
        Answers to common questions about workplace pensions. People Services can't give financial
        advice, but can point you to the right scheme.

        ## Which scheme am I in?
        | Role | Scheme |
        |---|---|
        | Teaching staff | Teachers' Pension Scheme (TPS) |
        | Support staff | Local Government Pension Scheme (LGPS) |

        Both are defined-benefit schemes: your pension depends on your pay and years of membership,
        not on investment returns.

        ## Am I enrolled automatically?
        Yes. New staff join the relevant scheme from their start date, and contributions are taken
        from pay before tax.

        ## How much do I pay?
        A percentage of your pay, set by the scheme in bands: higher earners pay a higher rate. The
        college also pays a substantial employer contribution. Your rate is on your payslip under
        *Deductions*.

        ## Can I opt out?
        Yes, but you lose valuable benefits, including the employer contribution and life cover.
        Talk to People Services first. If you opt out, the law requires us to re-enrol you every
        three years; you can opt out again.

        ## Where can I see my pension?
        TPS members can register on the scheme's online member portal. LGPS members get an annual
        benefit statement from the regional pension fund. People Services can send you the links.

        ## Can I transfer in a previous pension?
        Sometimes. Time limits apply (for the LGPS, you must ask within 12 months of joining), so
        contact the scheme early.
        """,
        status="draft",
    ),
)

#: Every article: IT, then Facilities, then HR, each in a fixed order.
ARTICLES: Final[tuple[Article, ...]] = _IT_ARTICLES + _FACILITIES_ARTICLES + _HR_ARTICLES
