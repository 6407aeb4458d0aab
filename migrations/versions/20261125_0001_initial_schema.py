"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-25 13:46:51.495336
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import distributor.models.base
from sqlalchemy.dialects import postgresql
revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('original_email', sa.String(length=320), nullable=True),
    sa.Column('first_name', sa.String(length=200), nullable=True),
    sa.Column('last_name', sa.String(length=200), nullable=True),
    sa.Column('outlet', sa.String(length=200), nullable=True),
    sa.Column('role', sa.String(length=200), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('city', sa.String(length=200), nullable=True),
    sa.Column('language', sa.String(length=35), nullable=True),
    sa.Column('time_zone', sa.String(length=64), nullable=True),
    sa.Column('phone', sa.String(length=64), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('source', sa.String(length=255), nullable=True),
    sa.Column('legal_basis', sa.Enum('consent', 'legitimate_interest', 'contract', 'legal_obligation', 'public_task', 'vital_interests', name='legal_basis', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('consent_at', distributor.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('consent_record', sa.Text(), nullable=True),
    sa.Column('tracking_allowed', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('attributes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', distributor.models.base.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', distributor.models.base.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contacts')),
    sa.UniqueConstraint('email', name=op.f('uq_contacts_email'))
    )
    op.create_index(op.f('ix_contacts_country'), 'contacts', ['country'], unique=False)
    op.create_index(op.f('ix_contacts_language'), 'contacts', ['language'], unique=False)
    op.create_index(op.f('ix_contacts_outlet'), 'contacts', ['outlet'], unique=False)
    op.create_table('lists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('archived_at', distributor.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', distributor.models.base.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', distributor.models.base.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lists')),
    sa.UniqueConstraint('slug', name=op.f('uq_lists_slug'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('role', sa.Enum('admin', 'press_officer', 'viewer', name='role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('is_active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('last_login_at', distributor.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', distributor.models.base.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', distributor.models.base.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('api_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('key_hash', sa.String(length=128), nullable=False),
    sa.Column('role', sa.Enum('admin', 'press_officer', 'viewer', name='role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('created_at', distributor.models.base.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('last_used_at', distributor.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('expires_at', distributor.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', distributor.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_keys_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_keys')),
    sa.UniqueConstraint('prefix', name=op.f('uq_api_keys_prefix'))
    )
    op.create_index(op.f('ix_api_keys_user_id'), 'api_keys', ['user_id'], unique=False)
    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', distributor.models.base.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=100), nullable=False),
    sa.Column('entity_type', sa.String(length=50), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=True),
    sa.Column('details', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_audit_log_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    op.create_index(op.f('ix_audit_log_action'), 'audit_log', ['action'], unique=False)
    op.create_index(op.f('ix_audit_log_at'), 'audit_log', ['at'], unique=False)
    op.create_index('ix_audit_log_entity', 'audit_log', ['entity_type', 'entity_id'], unique=False)
    op.create_table('contact_beats',
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('beat', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_contact_beats_contact_id_contacts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contact_id', 'beat', name=op.f('pk_contact_beats'))
    )
    op.create_index(op.f('ix_contact_beats_beat'), 'contact_beats', ['beat'], unique=False)
    op.create_table('releases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=200), nullable=False),
    sa.Column('organization', sa.String(length=200), nullable=True),
    sa.Column('default_language', sa.String(length=35), nullable=False),
    sa.Column('release_date', sa.Date(), nullable=True),
    sa.Column('embargo_until', distributor.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('tags', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('published_at', distributor.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('archived_at', distributor.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', distributor.models.base.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', distributor.models.base.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_releases_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_releases')),
    sa.UniqueConstraint('slug', name=op.f('uq_releases_slug'))
    )
    op.create_table('segments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('rules', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', distributor.models.base.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', distributor.models.base.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_segments_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_segments')),
    sa.UniqueConstraint('name', name=op.f('uq_segments_name'))
    )
    op.create_table('subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'subscribed', 'unsubscribed', name='subscription_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('channel', sa.Enum('import', 'admin', 'api', 'signup', 'one_click', 'preferences', 'bounce', 'complaint', name='channel', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('actor', sa.String(length=200), nullable=True),
    sa.Column('created_at', distributor.models.base.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('changed_at', distributor.models.base.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_subscriptions_contact_id_contacts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['list_id'], ['lists.id'], name=op.f('fk_subscriptions_list_id_lists'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subscriptions')),
    sa.UniqueConstraint('list_id', 'contact_id', name=op.f('uq_subscriptions_list_id_contact_id'))
    )
    op.create_index(op.f('ix_subscriptions_contact_id'), 'subscriptions', ['contact_id'], unique=False)
    op.create_index('ix_subscriptions_list_id_status', 'subscriptions', ['list_id', 'status'], unique=False)
    op.create_table('suppressions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email_hash', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('reason', sa.Enum('unsubscribed', 'hard_bounce', 'soft_bounce_limit', 'complaint', 'erased', 'manual', name='suppression_reason', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('channel', sa.Enum('import', 'admin', 'api', 'signup', 'one_click', 'preferences', 'bounce', 'complaint', name='channel', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('source', sa.String(length=255), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', distributor.models.base.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_suppressions_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suppressions')),
    sa.UniqueConstraint('email', name=op.f('uq_suppressions_email')),
    sa.UniqueConstraint('email_hash', name=op.f('uq_suppressions_email_hash'))
    )
    op.create_table('release_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=200), nullable=True),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('phone', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['release_id'], ['releases.id'], name=op.f('fk_release_contacts_release_id_releases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_release_contacts'))
    )
    op.create_index(op.f('ix_release_contacts_release_id'), 'release_contacts', ['release_id'], unique=False)
    op.create_table('release_images',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('alt', sa.Text(), nullable=False),
    sa.Column('caption', sa.Text(), nullable=True),
    sa.Column('credit', sa.String(length=300), nullable=True),
    sa.Column('usage_terms', sa.Text(), nullable=True),
    sa.Column('translations', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['release_id'], ['releases.id'], name=op.f('fk_release_images_release_id_releases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_release_images'))
    )
    op.create_index(op.f('ix_release_images_release_id'), 'release_images', ['release_id'], unique=False)
    op.create_table('release_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['release_id'], ['releases.id'], name=op.f('fk_release_links_release_id_releases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_release_links'))
    )
    op.create_index(op.f('ix_release_links_release_id'), 'release_links', ['release_id'], unique=False)
    op.create_table('release_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=35), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('subtitle', sa.String(length=500), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('body_markdown', sa.Text(), nullable=False),
    sa.Column('created_at', distributor.models.base.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', distributor.models.base.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['release_id'], ['releases.id'], name=op.f('fk_release_versions_release_id_releases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_release_versions')),
    sa.UniqueConstraint('release_id', 'language', name=op.f('uq_release_versions_release_id_language'))
    )
    op.create_table('sendouts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=True),
    sa.Column('state', sa.Enum('draft', 'scheduled', 'sending', 'paused', 'completed', 'cancelled', 'failed', name='send_out_state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('schedule', sa.Enum('now', 'at', 'embargo', 'local_time', name='schedule_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('scheduled_at', distributor.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('local_time', sa.String(length=5), nullable=True),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.Column('options', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('follow_up_of_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('started_at', distributor.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', distributor.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', distributor.models.base.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', distributor.models.base.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_sendouts_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['follow_up_of_id'], ['sendouts.id'], name=op.f('fk_sendouts_follow_up_of_id_sendouts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['release_id'], ['releases.id'], name=op.f('fk_sendouts_release_id_releases'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sendouts')),
    sa.UniqueConstraint('follow_up_of_id', name=op.f('uq_sendouts_follow_up_of_id'))
    )
    op.create_index(op.f('ix_sendouts_release_id'), 'sendouts', ['release_id'], unique=False)
    op.create_index('ix_sendouts_state_scheduled_at', 'sendouts', ['state', 'scheduled_at'], unique=False)
    op.create_table('deliveries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('sendout_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('language', sa.String(length=35), nullable=True),
    sa.Column('state', sa.Enum('queued', 'sending', 'sent', 'deferred', 'failed', 'bounced', 'skipped', name='delivery_state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('next_attempt_at', distributor.models.base.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('lease_expires_at', distributor.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('leased_by', sa.String(length=200), nullable=True),
    sa.Column('message_id', sa.String(length=255), nullable=True),
    sa.Column('verp_token', sa.String(length=64), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('last_smtp_code', sa.Integer(), nullable=True),
    sa.Column('sent_at', distributor.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', distributor.models.base.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', distributor.models.base.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_deliveries_attempts_not_negative')),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_deliveries_contact_id_contacts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sendout_id'], ['sendouts.id'], name=op.f('fk_deliveries_sendout_id_sendouts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliveries')),
    sa.UniqueConstraint('message_id', name=op.f('uq_deliveries_message_id')),
    sa.UniqueConstraint('sendout_id', 'contact_id', name=op.f('uq_deliveries_sendout_id_contact_id')),
    sa.UniqueConstraint('verp_token', name=op.f('uq_deliveries_verp_token'))
    )
    op.create_index('ix_deliveries_claim', 'deliveries', ['sendout_id', 'state', 'next_attempt_at'], unique=False)
    op.create_index(op.f('ix_deliveries_contact_id'), 'deliveries', ['contact_id'], unique=False)
    op.create_index(op.f('ix_deliveries_email'), 'deliveries', ['email'], unique=False)
    op.create_table('sendout_audiences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sendout_id', sa.Integer(), nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=True),
    sa.Column('segment_id', sa.Integer(), nullable=True),
    sa.Column('exclude', sa.Boolean(), nullable=False),
    sa.CheckConstraint('(list_id IS NULL) != (segment_id IS NULL)', name=op.f('ck_sendout_audiences_list_or_segment')),
    sa.ForeignKeyConstraint(['list_id'], ['lists.id'], name=op.f('fk_sendout_audiences_list_id_lists'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['segment_id'], ['segments.id'], name=op.f('fk_sendout_audiences_segment_id_segments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sendout_id'], ['sendouts.id'], name=op.f('fk_sendout_audiences_sendout_id_sendouts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sendout_audiences'))
    )
    op.create_index(op.f('ix_sendout_audiences_sendout_id'), 'sendout_audiences', ['sendout_id'], unique=False)
    op.create_table('sendout_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sendout_id', sa.Integer(), nullable=False),
    sa.Column('at', distributor.models.base.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('from_state', sa.Enum('draft', 'scheduled', 'sending', 'paused', 'completed', 'cancelled', 'failed', name='from_state', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('to_state', sa.Enum('draft', 'scheduled', 'sending', 'paused', 'completed', 'cancelled', 'failed', name='to_state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('actor', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['sendout_id'], ['sendouts.id'], name=op.f('fk_sendout_events_sendout_id_sendouts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sendout_events'))
    )
    op.create_index(op.f('ix_sendout_events_sendout_id'), 'sendout_events', ['sendout_id'], unique=False)
    op.create_table('bounce_records',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('received_at', distributor.models.base.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('source', sa.Enum('receiver', 'file', 'imap', 'smtp_session', 'webhook', name='bounce_source', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('provider', sa.String(length=50), nullable=True),
    sa.Column('classification', sa.Enum('hard', 'soft', 'block', 'complaint', 'delayed', 'auto_reply', 'unknown', name='bounce_class', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('delivery_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('recipient', sa.String(length=320), nullable=True),
    sa.Column('status_code', sa.String(length=16), nullable=True),
    sa.Column('diagnostic', sa.Text(), nullable=True),
    sa.Column('message_id', sa.String(length=998), nullable=True),
    sa.Column('original_message_id', sa.String(length=998), nullable=True),
    sa.Column('verp_token', sa.String(length=64), nullable=True),
    sa.Column('token_valid', sa.Boolean(), nullable=True),
    sa.Column('raw_message', sa.LargeBinary(), nullable=True),
    sa.Column('raw_size', sa.Integer(), nullable=False),
    sa.Column('decision', sa.Text(), nullable=True),
    sa.Column('processed_at', distributor.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['delivery_id'], ['deliveries.id'], name=op.f('fk_bounce_records_delivery_id_deliveries'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bounce_records'))
    )
    op.create_index(op.f('ix_bounce_records_delivery_id'), 'bounce_records', ['delivery_id'], unique=False)
    op.create_index(op.f('ix_bounce_records_original_message_id'), 'bounce_records', ['original_message_id'], unique=False)
    op.create_index('ix_bounce_records_recipient_received_at', 'bounce_records', ['recipient', 'received_at'], unique=False)
    op.create_table('delivery_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('delivery_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.Enum('sent', 'deferred', 'failed', 'bounced', 'delayed', 'skipped', 'complained', 'unsubscribed', 'clicked', 'opened', 'replied', name='delivery_event_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('at', distributor.models.base.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['delivery_id'], ['deliveries.id'], name=op.f('fk_delivery_events_delivery_id_deliveries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_events'))
    )
    op.create_index(op.f('ix_delivery_events_delivery_id'), 'delivery_events', ['delivery_id'], unique=False)
    op.create_index('ix_delivery_events_kind_at', 'delivery_events', ['kind', 'at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_delivery_events_kind_at', table_name='delivery_events')
    op.drop_index(op.f('ix_delivery_events_delivery_id'), table_name='delivery_events')
    op.drop_table('delivery_events')
    op.drop_index('ix_bounce_records_recipient_received_at', table_name='bounce_records')
    op.drop_index(op.f('ix_bounce_records_original_message_id'), table_name='bounce_records')
    op.drop_index(op.f('ix_bounce_records_delivery_id'), table_name='bounce_records')
    op.drop_table('bounce_records')
    op.drop_index(op.f('ix_sendout_events_sendout_id'), table_name='sendout_events')
    op.drop_table('sendout_events')
    op.drop_index(op.f('ix_sendout_audiences_sendout_id'), table_name='sendout_audiences')
    op.drop_table('sendout_audiences')
    op.drop_index(op.f('ix_deliveries_email'), table_name='deliveries')
    op.drop_index(op.f('ix_deliveries_contact_id'), table_name='deliveries')
    op.drop_index('ix_deliveries_claim', table_name='deliveries')
    op.drop_table('deliveries')
    op.drop_index('ix_sendouts_state_scheduled_at', table_name='sendouts')
    op.drop_index(op.f('ix_sendouts_release_id'), table_name='sendouts')
    op.drop_table('sendouts')
    op.drop_table('release_versions')
    op.drop_index(op.f('ix_release_links_release_id'), table_name='release_links')
    op.drop_table('release_links')
    op.drop_index(op.f('ix_release_images_release_id'), table_name='release_images')
    op.drop_table('release_images')
    op.drop_index(op.f('ix_release_contacts_release_id'), table_name='release_contacts')
    op.drop_table('release_contacts')
    op.drop_table('suppressions')
    op.drop_index('ix_subscriptions_list_id_status', table_name='subscriptions')
    op.drop_index(op.f('ix_subscriptions_contact_id'), table_name='subscriptions')
    op.drop_table('subscriptions')
    op.drop_table('segments')
    op.drop_table('releases')
    op.drop_index(op.f('ix_contact_beats_beat'), table_name='contact_beats')
    op.drop_table('contact_beats')
    op.drop_index('ix_audit_log_entity', table_name='audit_log')
    op.drop_index(op.f('ix_audit_log_at'), table_name='audit_log')
    op.drop_index(op.f('ix_audit_log_action'), table_name='audit_log')
    op.drop_table('audit_log')
    op.drop_index(op.f('ix_api_keys_user_id'), table_name='api_keys')
    op.drop_table('api_keys')
    op.drop_table('users')
    op.drop_table('lists')
    op.drop_index(op.f('ix_contacts_outlet'), table_name='contacts')
    op.drop_index(op.f('ix_contacts_language'), table_name='contacts')
    op.drop_index(op.f('ix_contacts_country'), table_name='contacts')
    op.drop_table('contacts')
