"""initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-23 03:59:17.379490
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('app_setting',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_app_setting'))
    )
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user', sa.String(length=100), nullable=False),
    sa.Column('action', sa.Enum('create', 'update', 'delete', 'restore', name='auditaction', native_enum=False, length=10), nullable=False),
    sa.Column('entity', sa.String(length=60), nullable=False),
    sa.Column('entity_id', sa.Uuid(), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_event_entity', ['entity', 'entity_id'], unique=False)

    op.create_table('child',
    sa.Column('case_ref', sa.String(length=40), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('sex', sa.Enum('1', '2', name='sex', native_enum=False, length=2), nullable=True),
    sa.Column('ethnicity', sa.String(length=8), nullable=True),
    sa.Column('uasc', sa.Boolean(), nullable=False),
    sa.Column('disability', sa.Boolean(), nullable=False),
    sa.Column('legal_status', sa.String(length=4), nullable=True),
    sa.Column('home_postcode', sa.String(length=10), nullable=True),
    sa.Column('needs_level', sa.Integer(), nullable=True),
    sa.Column('personal_adviser', sa.String(length=100), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_child')),
    sa.UniqueConstraint('case_ref', name=op.f('uq_child_case_ref'))
    )
    op.create_table('postcode_lookup',
    sa.Column('postcode', sa.String(length=8), nullable=False),
    sa.Column('easting', sa.Integer(), nullable=True),
    sa.Column('northing', sa.Integer(), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('local_authority_code', sa.String(length=12), nullable=True),
    sa.PrimaryKeyConstraint('postcode', name=op.f('pk_postcode_lookup'))
    )
    op.create_table('provider',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('legal_name', sa.String(length=200), nullable=True),
    sa.Column('companies_house_number', sa.String(length=20), nullable=True),
    sa.Column('ofsted_owner_id', sa.String(length=40), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('postcode', sa.String(length=10), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('is_council', sa.Boolean(), nullable=False),
    sa.Column('relationship_tier', sa.Enum('transactional', 'preferred', 'strategic', 'partner', name='relationshiptier', native_enum=False, length=40), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider'))
    )
    with op.batch_alter_table('provider', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_provider_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_provider_ofsted_owner_id'), ['ofsted_owner_id'], unique=False)

    op.create_table('qa_template',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('setting_type', sa.Enum('childrens_home', 'secure_childrens_home', 'ifa', 'la_fostering', 'supported_accommodation', 'residential_family_centre', 'residential_special_school', 'adoption_agency', 'holiday_scheme', 'other_regulated', 'semi_independent', 'supported_lodgings', 'staying_put', 'other_unregulated', name='settingtype', native_enum=False, length=40), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qa_template'))
    )
    op.create_table('user',
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.Enum('placement_officer', 'qa_officer', 'manager', 'admin', name='userrole', native_enum=False, length=40), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('username', name=op.f('uq_user_username'))
    )
    op.create_table('contract',
    sa.Column('reference', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('contract_type', sa.Enum('block', 'framework', 'dps', 'regional', 'spot', name='contracttype', native_enum=False, length=40), nullable=False),
    sa.Column('provider_id', sa.Uuid(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('value_pence', sa.Integer(), nullable=True),
    sa.Column('annual_uplift_bp', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_contract_provider_id_provider'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract')),
    sa.UniqueConstraint('reference', name=op.f('uq_contract_reference'))
    )
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_provider_id'), ['provider_id'], unique=False)

    op.create_table('qa_template_version',
    sa.Column('template_id', sa.Uuid(), nullable=False),
    sa.Column('version_no', sa.Integer(), nullable=False),
    sa.Column('areas', sa.JSON(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['template_id'], ['qa_template.id'], name=op.f('fk_qa_template_version_template_id_qa_template'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qa_template_version')),
    sa.UniqueConstraint('template_id', 'version_no', name=op.f('uq_qa_template_version_template_id_version_no'))
    )
    op.create_table('setting',
    sa.Column('provider_id', sa.Uuid(), nullable=True),
    sa.Column('urn', sa.String(length=20), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('setting_type', sa.Enum('childrens_home', 'secure_childrens_home', 'ifa', 'la_fostering', 'supported_accommodation', 'residential_family_centre', 'residential_special_school', 'adoption_agency', 'holiday_scheme', 'other_regulated', 'semi_independent', 'supported_lodgings', 'staying_put', 'other_unregulated', name='settingtype', native_enum=False, length=40), nullable=False),
    sa.Column('ofsted_provision_type', sa.String(length=120), nullable=True),
    sa.Column('sector', sa.Enum('private', 'local_authority', 'voluntary', 'health_authority', 'academy', 'other', name='sector', native_enum=False, length=40), nullable=True),
    sa.Column('places', sa.Integer(), nullable=True),
    sa.Column('registration_status', sa.Enum('active', 'suspended', 'resigned', 'cancelled', 'closed', 'proposed', 'not_registered', name='registrationstatus', native_enum=False, length=40), nullable=False),
    sa.Column('registration_date', sa.Date(), nullable=True),
    sa.Column('closed_date', sa.Date(), nullable=True),
    sa.Column('address1', sa.String(length=200), nullable=True),
    sa.Column('address2', sa.String(length=200), nullable=True),
    sa.Column('town', sa.String(length=100), nullable=True),
    sa.Column('county', sa.String(length=100), nullable=True),
    sa.Column('postcode', sa.String(length=10), nullable=True),
    sa.Column('local_authority', sa.String(length=100), nullable=True),
    sa.Column('region', sa.String(length=100), nullable=True),
    sa.Column('owner_name', sa.String(length=200), nullable=True),
    sa.Column('linked_education_urn', sa.String(length=20), nullable=True),
    sa.Column('ofsted_provider_code', sa.String(length=20), nullable=True),
    sa.Column('allowed_placement_codes', sa.String(length=200), nullable=True),
    sa.Column('latest_judgement', sa.Enum('outstanding', 'good', 'requires_improvement', 'requires_improvement_old', 'adequate', 'inadequate', 'improved', 'sustained', 'declined', 'sa_strong', 'sa_inconsistent', 'sa_serious', name='judgement', native_enum=False, length=40), nullable=True),
    sa.Column('latest_inspection_date', sa.Date(), nullable=True),
    sa.Column('risk_level', sa.Enum('high', 'medium', 'low', name='risklevel', native_enum=False, length=40), nullable=True),
    sa.Column('enhanced_monitoring', sa.Boolean(), nullable=False),
    sa.Column('enhanced_monitoring_since', sa.DateTime(), nullable=True),
    sa.Column('next_qa_due', sa.Date(), nullable=True),
    sa.Column('qa_officer_id', sa.Uuid(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_setting_provider_id_provider'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['qa_officer_id'], ['user.id'], name=op.f('fk_setting_qa_officer_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_setting')),
    sa.UniqueConstraint('urn', name=op.f('uq_setting_urn'))
    )
    with op.batch_alter_table('setting', schema=None) as batch_op:
        batch_op.create_index('ix_setting_postcode', ['postcode'], unique=False)
        batch_op.create_index(batch_op.f('ix_setting_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index('ix_setting_type_status', ['setting_type', 'registration_status'], unique=False)

    op.create_table('contract_lot',
    sa.Column('contract_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_contract_lot_contract_id_contract'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_lot'))
    )
    with op.batch_alter_table('contract_lot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_lot_contract_id'), ['contract_id'], unique=False)

    op.create_table('contract_review',
    sa.Column('provider_id', sa.Uuid(), nullable=False),
    sa.Column('contract_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.Enum('planned', 'completed', 'cancelled', name='reviewstatus', native_enum=False, length=40), nullable=False),
    sa.Column('review_date', sa.Date(), nullable=False),
    sa.Column('attendees', sa.Text(), nullable=True),
    sa.Column('agenda', sa.JSON(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('next_due', sa.Date(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_contract_review_contract_id_contract'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_contract_review_provider_id_provider'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_review'))
    )
    with op.batch_alter_table('contract_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_review_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_review_provider_id'), ['provider_id'], unique=False)

    op.create_table('ofsted_inspection',
    sa.Column('setting_id', sa.Uuid(), nullable=False),
    sa.Column('event_type', sa.Enum('full', 'interim', 'monitoring', 'assurance', 'focused', 'other', name='inspectioneventtype', native_enum=False, length=40), nullable=False),
    sa.Column('inspection_date', sa.Date(), nullable=False),
    sa.Column('publication_date', sa.Date(), nullable=True),
    sa.Column('event_number', sa.String(length=40), nullable=True),
    sa.Column('overall_judgement', sa.Enum('outstanding', 'good', 'requires_improvement', 'requires_improvement_old', 'adequate', 'inadequate', 'improved', 'sustained', 'declined', 'sa_strong', 'sa_inconsistent', 'sa_serious', name='judgement', native_enum=False, length=40), nullable=True),
    sa.Column('sub_judgements', sa.JSON(), nullable=False),
    sa.Column('supported_accommodation_outcome', sa.Enum('outstanding', 'good', 'requires_improvement', 'requires_improvement_old', 'adequate', 'inadequate', 'improved', 'sustained', 'declined', 'sa_strong', 'sa_inconsistent', 'sa_serious', name='judgement', native_enum=False, length=40), nullable=True),
    sa.Column('source', sa.String(length=200), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['setting_id'], ['setting.id'], name=op.f('fk_ofsted_inspection_setting_id_setting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ofsted_inspection')),
    sa.UniqueConstraint('setting_id', 'event_type', 'inspection_date', name=op.f('uq_ofsted_inspection_setting_id_event_type_inspection_date'))
    )
    with op.batch_alter_table('ofsted_inspection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ofsted_inspection_setting_id'), ['setting_id'], unique=False)

    op.create_table('placement_episode',
    sa.Column('child_id', sa.Uuid(), nullable=False),
    sa.Column('setting_id', sa.Uuid(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('reason_new_episode', sa.String(length=4), nullable=True),
    sa.Column('legal_status', sa.String(length=4), nullable=True),
    sa.Column('category_of_need', sa.String(length=4), nullable=True),
    sa.Column('placement_type', sa.String(length=8), nullable=False),
    sa.Column('place_provider', sa.String(length=4), nullable=True),
    sa.Column('reason_ceased', sa.String(length=4), nullable=True),
    sa.Column('reason_place_change', sa.String(length=8), nullable=True),
    sa.Column('home_postcode', sa.String(length=10), nullable=True),
    sa.Column('placement_postcode', sa.String(length=10), nullable=True),
    sa.Column('urn', sa.String(length=20), nullable=True),
    sa.Column('distance_miles', sa.Float(), nullable=True),
    sa.Column('distance_entered', sa.Boolean(), nullable=False),
    sa.Column('commissioning_route', sa.Enum('in_house', 'block', 'framework', 'regional', 'spot', name='commissioningroute', native_enum=False, length=40), nullable=True),
    sa.Column('route_reason', sa.Text(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_placement_episode_child_id_child'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['setting_id'], ['setting.id'], name=op.f('fk_placement_episode_setting_id_setting'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placement_episode'))
    )
    with op.batch_alter_table('placement_episode', schema=None) as batch_op:
        batch_op.create_index('ix_placement_episode_child_start', ['child_id', 'start_date'], unique=False)
        batch_op.create_index('ix_placement_episode_dates', ['start_date', 'end_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_placement_episode_placement_type'), ['placement_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_placement_episode_setting_id'), ['setting_id'], unique=False)

    op.create_table('provider_document',
    sa.Column('provider_id', sa.Uuid(), nullable=True),
    sa.Column('setting_id', sa.Uuid(), nullable=True),
    sa.Column('kind', sa.Enum('registration_certificate', 'insurance', 'statement_of_purpose', 'accounts', 'safeguarding_policy', 'dbs_checks', 'other', name='documentkind', native_enum=False, length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('reference', sa.String(length=100), nullable=True),
    sa.Column('received_date', sa.Date(), nullable=True),
    sa.Column('expiry_date', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_provider_document_provider_id_provider'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['setting_id'], ['setting.id'], name=op.f('fk_provider_document_setting_id_setting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_document'))
    )
    with op.batch_alter_table('provider_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_provider_document_expiry_date'), ['expiry_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_provider_document_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_provider_document_setting_id'), ['setting_id'], unique=False)

    op.create_table('qa_visit',
    sa.Column('setting_id', sa.Uuid(), nullable=False),
    sa.Column('template_version_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.Enum('planned', 'draft', 'completed', 'cancelled', name='qavisitstatus', native_enum=False, length=40), nullable=False),
    sa.Column('visit_type', sa.Enum('announced', 'unannounced', 'desktop', 'virtual', name='qavisittype', native_enum=False, length=40), nullable=True),
    sa.Column('planned_date', sa.Date(), nullable=True),
    sa.Column('visit_date', sa.Date(), nullable=True),
    sa.Column('lead_officer_id', sa.Uuid(), nullable=True),
    sa.Column('officers', sa.String(length=300), nullable=True),
    sa.Column('spoke_children', sa.Integer(), nullable=False),
    sa.Column('spoke_staff', sa.Integer(), nullable=False),
    sa.Column('spoke_managers', sa.Integer(), nullable=False),
    sa.Column('overall_judgement', sa.Enum('outstanding', 'good', 'requires_improvement', 'inadequate', 'not_assessed', name='qajudgement', native_enum=False, length=40), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('draft_saved_at', sa.DateTime(), nullable=True),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['lead_officer_id'], ['user.id'], name=op.f('fk_qa_visit_lead_officer_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['setting_id'], ['setting.id'], name=op.f('fk_qa_visit_setting_id_setting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['template_version_id'], ['qa_template_version.id'], name=op.f('fk_qa_visit_template_version_id_qa_template_version'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qa_visit'))
    )
    with op.batch_alter_table('qa_visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_qa_visit_setting_id'), ['setting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_qa_visit_visit_date'), ['visit_date'], unique=False)

    op.create_table('agreement',
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('child_id', sa.Uuid(), nullable=False),
    sa.Column('setting_id', sa.Uuid(), nullable=True),
    sa.Column('episode_id', sa.Uuid(), nullable=True),
    sa.Column('council_name', sa.String(length=200), nullable=True),
    sa.Column('provider_legal_entity', sa.String(length=200), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_agreement_child_id_child'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['episode_id'], ['placement_episode.id'], name=op.f('fk_agreement_episode_id_placement_episode'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['setting_id'], ['setting.id'], name=op.f('fk_agreement_setting_id_setting'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement')),
    sa.UniqueConstraint('reference', name=op.f('uq_agreement_reference'))
    )
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreement_setting_id'), ['setting_id'], unique=False)

    op.create_table('contract_rate',
    sa.Column('contract_id', sa.Uuid(), nullable=False),
    sa.Column('lot_id', sa.Uuid(), nullable=True),
    sa.Column('provider_id', sa.Uuid(), nullable=True),
    sa.Column('placement_type', sa.String(length=8), nullable=True),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('weekly_rate_pence', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_contract_rate_contract_id_contract'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lot_id'], ['contract_lot.id'], name=op.f('fk_contract_rate_lot_id_contract_lot'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_contract_rate_provider_id_provider'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_rate'))
    )
    with op.batch_alter_table('contract_rate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_rate_contract_id'), ['contract_id'], unique=False)

    op.create_table('qa_visit_area',
    sa.Column('visit_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('area', sa.String(length=200), nullable=False),
    sa.Column('judgement', sa.Enum('outstanding', 'good', 'requires_improvement', 'inadequate', 'not_assessed', name='qajudgement', native_enum=False, length=40), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['visit_id'], ['qa_visit.id'], name=op.f('fk_qa_visit_area_visit_id_qa_visit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qa_visit_area'))
    )
    with op.batch_alter_table('qa_visit_area', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_qa_visit_area_visit_id'), ['visit_id'], unique=False)

    op.create_table('rating_alert',
    sa.Column('setting_id', sa.Uuid(), nullable=False),
    sa.Column('inspection_id', sa.Uuid(), nullable=True),
    sa.Column('kind', sa.Enum('downgrade', 'suspension', 'closure', name='alertkind', native_enum=False, length=40), nullable=False),
    sa.Column('previous_judgement', sa.Enum('outstanding', 'good', 'requires_improvement', 'requires_improvement_old', 'adequate', 'inadequate', 'improved', 'sustained', 'declined', 'sa_strong', 'sa_inconsistent', 'sa_serious', name='judgement', native_enum=False, length=40), nullable=True),
    sa.Column('new_judgement', sa.Enum('outstanding', 'good', 'requires_improvement', 'requires_improvement_old', 'adequate', 'inadequate', 'improved', 'sustained', 'declined', 'sa_strong', 'sa_inconsistent', 'sa_serious', name='judgement', native_enum=False, length=40), nullable=True),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('children_placed', sa.Text(), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
    sa.Column('acknowledged_by', sa.String(length=100), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['ofsted_inspection.id'], name=op.f('fk_rating_alert_inspection_id_ofsted_inspection'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['setting_id'], ['setting.id'], name=op.f('fk_rating_alert_setting_id_setting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rating_alert'))
    )
    with op.batch_alter_table('rating_alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rating_alert_setting_id'), ['setting_id'], unique=False)

    op.create_table('action',
    sa.Column('source', sa.Enum('qa_visit', 'contract_review', 'rating_alert', 'manual', name='actionsource', native_enum=False, length=40), nullable=False),
    sa.Column('qa_visit_id', sa.Uuid(), nullable=True),
    sa.Column('contract_review_id', sa.Uuid(), nullable=True),
    sa.Column('rating_alert_id', sa.Uuid(), nullable=True),
    sa.Column('setting_id', sa.Uuid(), nullable=True),
    sa.Column('provider_id', sa.Uuid(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=100), nullable=True),
    sa.Column('owner_user_id', sa.Uuid(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('priority', sa.Enum('high', 'medium', 'low', name='actionpriority', native_enum=False, length=40), nullable=False),
    sa.Column('status', sa.Enum('open', 'in_progress', 'done', 'overdue', 'cancelled', name='actionstatus', native_enum=False, length=40), nullable=False),
    sa.Column('completed_date', sa.Date(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contract_review_id'], ['contract_review.id'], name=op.f('fk_action_contract_review_id_contract_review'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_user_id'], ['user.id'], name=op.f('fk_action_owner_user_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_action_provider_id_provider'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['qa_visit_id'], ['qa_visit.id'], name=op.f('fk_action_qa_visit_id_qa_visit'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['rating_alert_id'], ['rating_alert.id'], name=op.f('fk_action_rating_alert_id_rating_alert'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['setting_id'], ['setting.id'], name=op.f('fk_action_setting_id_setting'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action'))
    )
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_contract_review_id'), ['contract_review_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_due_date'), ['due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_qa_visit_id'), ['qa_visit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_rating_alert_id'), ['rating_alert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_setting_id'), ['setting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_status'), ['status'], unique=False)

    op.create_table('agreement_version',
    sa.Column('agreement_id', sa.Uuid(), nullable=False),
    sa.Column('version_no', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'issued', 'provider_signed', 'council_signed', 'active', 'ended', 'superseded', name='agreementstatus', native_enum=False, length=40), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('variation_reason', sa.Text(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('placement_type', sa.String(length=8), nullable=True),
    sa.Column('weekly_fee_pence', sa.Integer(), nullable=False),
    sa.Column('funding_social_care_bp', sa.Integer(), nullable=False),
    sa.Column('funding_health_bp', sa.Integer(), nullable=False),
    sa.Column('funding_education_bp', sa.Integer(), nullable=False),
    sa.Column('outcomes', sa.Text(), nullable=True),
    sa.Column('invoicing_reference', sa.String(length=60), nullable=True),
    sa.Column('notice_terms', sa.Text(), nullable=True),
    sa.Column('special_conditions', sa.Text(), nullable=True),
    sa.Column('issued_at', sa.DateTime(), nullable=True),
    sa.Column('issued_by', sa.String(length=100), nullable=True),
    sa.Column('provider_signed_at', sa.DateTime(), nullable=True),
    sa.Column('provider_signed_by', sa.String(length=100), nullable=True),
    sa.Column('council_signed_at', sa.DateTime(), nullable=True),
    sa.Column('council_signed_by', sa.String(length=100), nullable=True),
    sa.Column('activated_at', sa.DateTime(), nullable=True),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('funding_social_care_bp + funding_health_bp + funding_education_bp = 10000', name=op.f('ck_agreement_version_funding_adds_up')),
    sa.CheckConstraint('weekly_fee_pence >= 0', name=op.f('ck_agreement_version_fee_not_negative')),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_agreement_version_agreement_id_agreement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_version')),
    sa.UniqueConstraint('agreement_id', 'version_no', name=op.f('uq_agreement_version_agreement_id_version_no'))
    )
    op.create_table('action_update',
    sa.Column('action_id', sa.Uuid(), nullable=False),
    sa.Column('author', sa.String(length=100), nullable=True),
    sa.Column('old_status', sa.Enum('open', 'in_progress', 'done', 'overdue', 'cancelled', name='actionstatus', native_enum=False, length=40), nullable=True),
    sa.Column('new_status', sa.Enum('open', 'in_progress', 'done', 'overdue', 'cancelled', name='actionstatus', native_enum=False, length=40), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_action_update_action_id_action'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_update'))
    )
    with op.batch_alter_table('action_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_update_action_id'), ['action_id'], unique=False)

    op.create_table('agreement_service',
    sa.Column('version_id', sa.Uuid(), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('charge', sa.Enum('hourly', 'weekly', 'one_off', name='servicecharge', native_enum=False, length=40), nullable=False),
    sa.Column('hours_per_week', sa.Float(), nullable=True),
    sa.Column('rate_pence', sa.Integer(), nullable=True),
    sa.Column('amount_pence', sa.Integer(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['agreement_version.id'], name=op.f('fk_agreement_service_version_id_agreement_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_service'))
    )
    with op.batch_alter_table('agreement_service', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_service_version_id'), ['version_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('agreement_service', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_service_version_id'))

    op.drop_table('agreement_service')
    with op.batch_alter_table('action_update', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_update_action_id'))

    op.drop_table('action_update')
    op.drop_table('agreement_version')
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_status'))
        batch_op.drop_index(batch_op.f('ix_action_setting_id'))
        batch_op.drop_index(batch_op.f('ix_action_rating_alert_id'))
        batch_op.drop_index(batch_op.f('ix_action_qa_visit_id'))
        batch_op.drop_index(batch_op.f('ix_action_provider_id'))
        batch_op.drop_index(batch_op.f('ix_action_due_date'))
        batch_op.drop_index(batch_op.f('ix_action_contract_review_id'))

    op.drop_table('action')
    with op.batch_alter_table('rating_alert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rating_alert_setting_id'))

    op.drop_table('rating_alert')
    with op.batch_alter_table('qa_visit_area', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_qa_visit_area_visit_id'))

    op.drop_table('qa_visit_area')
    with op.batch_alter_table('contract_rate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_rate_contract_id'))

    op.drop_table('contract_rate')
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_setting_id'))
        batch_op.drop_index(batch_op.f('ix_agreement_child_id'))

    op.drop_table('agreement')
    with op.batch_alter_table('qa_visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_qa_visit_visit_date'))
        batch_op.drop_index(batch_op.f('ix_qa_visit_setting_id'))

    op.drop_table('qa_visit')
    with op.batch_alter_table('provider_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_provider_document_setting_id'))
        batch_op.drop_index(batch_op.f('ix_provider_document_provider_id'))
        batch_op.drop_index(batch_op.f('ix_provider_document_expiry_date'))

    op.drop_table('provider_document')
    with op.batch_alter_table('placement_episode', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_placement_episode_setting_id'))
        batch_op.drop_index(batch_op.f('ix_placement_episode_placement_type'))
        batch_op.drop_index('ix_placement_episode_dates')
        batch_op.drop_index('ix_placement_episode_child_start')

    op.drop_table('placement_episode')
    with op.batch_alter_table('ofsted_inspection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ofsted_inspection_setting_id'))

    op.drop_table('ofsted_inspection')
    with op.batch_alter_table('contract_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_review_provider_id'))
        batch_op.drop_index(batch_op.f('ix_contract_review_contract_id'))

    op.drop_table('contract_review')
    with op.batch_alter_table('contract_lot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_lot_contract_id'))

    op.drop_table('contract_lot')
    with op.batch_alter_table('setting', schema=None) as batch_op:
        batch_op.drop_index('ix_setting_type_status')
        batch_op.drop_index(batch_op.f('ix_setting_provider_id'))
        batch_op.drop_index('ix_setting_postcode')

    op.drop_table('setting')
    op.drop_table('qa_template_version')
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_provider_id'))

    op.drop_table('contract')
    op.drop_table('user')
    op.drop_table('qa_template')
    with op.batch_alter_table('provider', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_provider_ofsted_owner_id'))
        batch_op.drop_index(batch_op.f('ix_provider_name'))

    op.drop_table('provider')
    op.drop_table('postcode_lookup')
    op.drop_table('child')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_entity')
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))

    op.drop_table('audit_event')
    op.drop_table('app_setting')
