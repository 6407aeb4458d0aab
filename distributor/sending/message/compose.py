"""A send-out's messages: the release prepared once per send-out and language, filled in per recipient.

`PreparedRelease` renders and encodes what every message of a send-out (or a test
send) shares; `compose_message` fills in one addressee's links and bodies. The
pipeline signs and sends what it composes; the pre-flight check reads it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from distributor import tokens
from distributor.config import Settings
from distributor.models import MailingList, Release, SendOut, SendOutAudience
from distributor.releases import author_time, body_html
from distributor.rendering import (
    RecipientValues,
    RenderContext,
    format_local_embargo,
    placeholder_values,
    release_view,
    render_release,
    typeset,
)
from distributor.sending.message.attachments import EncodedAttachments
from distributor.sending.message.bodies import BodyTemplate
from distributor.sending.message.links import recipient_links
from distributor.sending.message.mime import (
    BuiltMessage,
    MessageTemplate,
    Part,
    Recipient,
    build_message,
)
from distributor.sending.message.sender import release_sender
from distributor.sending.message.subjects import subject_for, subjects_of
from distributor.sending.message.tracked_links import TrackedHtml


@dataclass(frozen=True)
class LanguageVersion:
    """One language of a send-out's release: its header skeleton and its two bodies, encoded.

    A send-out that tracks clicks or opens has a second HTML body, for the recipients
    who do not object: `tracked` with the placeholders of its links and open image.
    """

    template: MessageTemplate
    html: BodyTemplate
    text: BodyTemplate
    tracked: tuple[TrackedHtml, BodyTemplate] | None = None
    language: str = "en"

    def bodies(self, recipient: RecipientValues, tracked_delivery: int | None) -> tuple[Part, Part]:
        """The bodies for `recipient`; tracked for `tracked_delivery` when it is given."""
        escaped, plain = placeholder_values(recipient)
        if self.tracked is not None and tracked_delivery is not None:
            links, html = self.tracked
            return html.fill(escaped | links.values(tracked_delivery)), self.text.fill(plain)
        return self.html.fill(escaped), self.text.fill(plain)


@dataclass
class PreparedRelease:
    """What every message of a send-out (or of a test send) shares, built once per process."""

    release: Release
    settings: Settings
    sendout_id: int
    subject: str | None
    list_slug: str
    list_name: str
    subject_prefix: str = ""
    track_clicks: bool = False
    track_opens: bool = False
    attachments: EncodedAttachments | None = None  # encoded once for the whole send-out
    subjects: Mapping[str, str] = field(default_factory=dict)  # by version language
    _versions: dict[str, LanguageVersion] = field(default_factory=dict)
    _local_embargo: dict[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def for_sendout(cls, session: Session, sendout: SendOut, settings: Settings) -> PreparedRelease:
        lists = session.scalars(
            select(MailingList)
            .join(SendOutAudience, SendOutAudience.list_id == MailingList.id)
            .where(SendOutAudience.sendout_id == sendout.id, SendOutAudience.exclude.is_(False))
            .order_by(SendOutAudience.id)
        ).all()
        slug, name = (lists[0].slug, lists[0].name) if lists else ("press", "")
        return cls(
            sendout.release,
            settings,
            sendout.id,
            sendout.subject,
            slug,
            name,
            track_clicks=sendout.track_clicks,
            track_opens=sendout.track_opens,
            attachments=EncodedAttachments.for_sendout(sendout, settings),
            subjects=subjects_of(sendout),
        )

    def version(self, language: str | None) -> LanguageVersion:
        """The release in `language` (or its default), rendered on first use."""
        chosen = self.release.version(language).language
        if chosen not in self._versions:
            # Signed media links: the email is read before the embargo opens the web to it.
            view = release_view(
                self.release,
                chosen,
                body_html,
                self.settings.base_url,
                media_secret=self.settings.signing_key(),
            )
            sender = release_sender(self.settings.from_address, self.release.organization, chosen)
            # The footer names the office, as the web version does; the From keeps the address.
            rendered = render_release(
                view, RenderContext(sender=self.settings.sender_name(self.release.organization))
            )
            contact = next((c for c in self.release.media_contacts if c.email), None)
            own = subject_for(self.subjects, chosen, self.subject)
            # A subject typed for the send-out reads like the title it stands in for.
            subject = typeset(own, chosen) if own else rendered.subject
            template = MessageTemplate.for_sendout(
                self.settings,
                sendout_id=self.sendout_id,
                subject=self.subject_prefix + subject,
                list_slug=self.list_slug,
                list_name=self.list_name,
                reply_to=(contact.name, contact.email) if contact and contact.email else None,
                language=chosen,
                from_address=sender,
            )
            if self.attachments is not None:
                template = self.attachments.wrap(template)
            boundary = template.boundary
            self._versions[chosen] = LanguageVersion(
                template,
                BodyTemplate.of("text/html", rendered.html_segments.parts, boundary),
                BodyTemplate.of("text/plain", rendered.text_segments.parts, boundary),
                self._tracked(rendered.html_segments.parts, boundary),
                language=chosen,
            )
        return self._versions[chosen]

    def local_embargo(self, language: str, time_zone: str | None) -> str:
        """The embargo lift on the clock of a reader in `time_zone`, worded once per zone."""
        if self.release.embargo_until is None or not time_zone:
            return ""
        key = (language, time_zone)
        if key not in self._local_embargo:
            lift = author_time(self.release.embargo_until, self.release.embargo_zone)
            self._local_embargo[key] = format_local_embargo(lift, time_zone, language)
        return self._local_embargo[key]

    def _tracked(
        self, parts: Sequence[str], boundary: str
    ) -> tuple[TrackedHtml, BodyTemplate] | None:
        if not (self.track_clicks or self.track_opens):
            return None
        links = TrackedHtml.of(
            parts,
            clicks=self.track_clicks,
            opens=self.track_opens,
            base_url=self.settings.base_url,
            secret=self.settings.signing_key(),
        )
        return links, BodyTemplate.of("text/html", links.parts, boundary)


@dataclass(frozen=True)
class Addressee:
    """A claimed delivery with what its message needs to know about the contact."""

    delivery_id: int
    email: str
    name: str
    language: str | None
    tracking_allowed: bool = False  # the contact does not object to tracked links and opens
    time_zone: str | None = None  # IANA name: the embargo lift is shown on their clock too


def compose_message(prepared: PreparedRelease, addressee: Addressee) -> BuiltMessage:
    """`addressee`'s message, filled in and unsigned: what the relay (and the pre-flight) sees."""
    version = prepared.version(addressee.language)
    token = tokens.delivery_token(addressee.delivery_id, version.template.secret)
    links = recipient_links(
        prepared.settings.base_url,
        token,
        prepared.release,
        addressee.language,
        addressee.delivery_id,
        version.template.secret,
    )
    html, text = version.bodies(
        RecipientValues(
            email=addressee.email,
            name=addressee.name,
            list_name=prepared.list_name,
            unsubscribe_url=links.unsubscribe_url,
            preferences_url=links.preferences_url,
            web_url=links.web_url,
            local_embargo=prepared.local_embargo(version.language, addressee.time_zone),
        ),
        addressee.delivery_id if addressee.tracking_allowed else None,
    )
    return build_message(
        version.template,
        html,
        text,
        Recipient(addressee.delivery_id, addressee.email, links.unsubscribe_url, addressee.name),
        token,
    )
