"""Qualifications with their status history, capability lines and the standards they cite.

Full-text search over ``CapabilityLine.search_text``: on PostgreSQL a GIN index on exactly the
expression Django's ``SearchVector("search_text", config="simple")`` emits (COALESCE included);
on SQLite an external-content FTS5 table kept in sync by triggers. A later migration that makes
SQLite rebuild ``institutions_capabilityline`` must re-create the triggers.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


PG_FORWARD = [
    "CREATE INDEX institutions_capabilityline_search_gin ON institutions_capabilityline "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_text, '')))",
]
PG_REVERSE = ["DROP INDEX IF EXISTS institutions_capabilityline_search_gin"]

FTS = "institutions_capabilityline_fts"
TABLE = "institutions_capabilityline"
SQLITE_FORWARD = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5("
    f"search_text, content='{TABLE}', content_rowid='id', tokenize='unicode61')",
    f"CREATE TRIGGER {FTS}_ai AFTER INSERT ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}(rowid, search_text) VALUES (new.id, new.search_text); END",
    f"CREATE TRIGGER {FTS}_ad AFTER DELETE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    # Only when the indexed text changes: flag updates and other columns leave the index alone.
    f"CREATE TRIGGER {FTS}_au AFTER UPDATE OF search_text ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    f"INSERT INTO {FTS}(rowid, search_text) VALUES (new.id, new.search_text); END",
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS {FTS}_au",
    f"DROP TRIGGER IF EXISTS {FTS}_ad",
    f"DROP TRIGGER IF EXISTS {FTS}_ai",
    f"DROP TABLE IF EXISTS {FTS}",
]


def _execute(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _execute(schema_editor, PG_FORWARD)
    elif vendor == "sqlite":
        _execute(schema_editor, SQLITE_FORWARD)


def reverse(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _execute(schema_editor, PG_REVERSE)
    elif vendor == "sqlite":
        _execute(schema_editor, SQLITE_REVERSE)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0006_remove_notification_read_at'),
        ('reference', '0002_field'),
        ('standards', '0004_standard_industries'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Qualification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('type', models.CharField(choices=[('CMA', '检验检测机构资质认定（CMA）'), ('CNAS-L', '实验室认可（CNAS）'), ('CNAS-C', '认证机构认可（CNAS）'), ('CNCA-CB', '认证机构批准（CNCA）'), ('METROLOGY-AUTH', '计量授权'), ('SE-INSPECTION', '特种设备检验检测机构核准')], max_length=20, verbose_name='资质类型')),
                ('number', models.CharField(max_length=80, verbose_name='证书编号')),
                ('issuer', models.CharField(blank=True, max_length=200, verbose_name='发证机关')),
                ('valid_from', models.DateField(verbose_name='有效期起')),
                ('valid_to', models.DateField(verbose_name='有效期至')),
                ('status', models.CharField(choices=[('valid', '有效'), ('suspended', '暂停'), ('revoked', '撤销'), ('expired', '过期')], default='valid', max_length=12, verbose_name='登记状态')),
                ('status_reason', models.TextField(blank=True, verbose_name='状态说明')),
                ('status_changed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='状态变更时间')),
                ('cma_year', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('cma_authority', models.CharField(blank=True, max_length=2)),
                ('cma_field', models.CharField(blank=True, max_length=2)),
                ('last_expiry_notice_on', models.DateField(blank=True, help_text='最近一次到期提醒的日期（避免重复提醒）', null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='qualifications', to='accounts.organisation', verbose_name='机构')),
            ],
            options={
                'ordering': ['organisation_id', 'type', 'number'],
            },
        ),
        migrations.CreateModel(
            name='CapabilityLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('test', '检验检测'), ('calibration', '校准'), ('verification', '检定'), ('certification', '认证'), ('service', '技术服务')], max_length=16, verbose_name='类别')),
                ('field_text', models.CharField(blank=True, help_text='分类表中没有时保留原文', max_length=100, verbose_name='领域（原文）')),
                ('object', models.CharField(max_length=200, verbose_name='对象')),
                ('parameter', models.CharField(blank=True, max_length=200, verbose_name='参数')),
                ('standards_text', models.CharField(blank=True, max_length=1000, verbose_name='方法标准')),
                ('range_text', models.CharField(blank=True, max_length=200, verbose_name='范围')),
                ('range_min', models.FloatField(blank=True, null=True)),
                ('range_max', models.FloatField(blank=True, null=True)),
                ('unit', models.CharField(blank=True, max_length=30, verbose_name='单位')),
                ('dimension', models.CharField(blank=True, max_length=40)),
                ('range_min_base', models.FloatField(blank=True, null=True)),
                ('range_max_base', models.FloatField(blank=True, null=True)),
                ('uncertainty_text', models.CharField(blank=True, max_length=200, verbose_name='不确定度/准确度')),
                ('accuracy', models.JSONField(blank=True, null=True)),
                ('accuracy_kind', models.CharField(blank=True, max_length=20)),
                ('accuracy_value', models.FloatField(blank=True, null=True)),
                ('restriction', models.CharField(blank=True, max_length=500, verbose_name='限制范围')),
                ('price_cny', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='参考价格（元）')),
                ('turnaround_days', models.PositiveIntegerField(blank=True, null=True, verbose_name='周期（天）')),
                ('search_text', models.TextField(blank=True, editable=False)),
                ('natural_key', models.CharField(editable=False, max_length=40)),
                ('standards_flag', models.CharField(choices=[('none', '正常'), ('unknown_code', '标准号未收录'), ('out_of_force', '标准已被代替或废止')], default='none', max_length=16)),
                ('is_flagged', models.BooleanField(default=False, verbose_name='需要关注')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('field', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='capabilities', to='reference.field', verbose_name='领域')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='capabilities', to='accounts.organisation', verbose_name='机构')),
                ('qualification', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='capabilities', to='institutions.qualification', verbose_name='资质')),
            ],
            options={
                'ordering': ['id'],
            },
        ),
        migrations.CreateModel(
            name='QualificationStatusChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('from_status', models.CharField(blank=True, choices=[('valid', '有效'), ('suspended', '暂停'), ('revoked', '撤销'), ('expired', '过期')], max_length=12)),
                ('to_status', models.CharField(choices=[('valid', '有效'), ('suspended', '暂停'), ('revoked', '撤销'), ('expired', '过期')], max_length=12)),
                ('reason', models.TextField(blank=True)),
                ('changed_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('qualification', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='status_changes', to='institutions.qualification')),
            ],
            options={
                'ordering': ['qualification_id', 'changed_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='CapabilityStandard',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=100)),
                ('base_code', models.CharField(max_length=100)),
                ('year', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('is_known', models.BooleanField(default=False)),
                ('line', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='standards', to='institutions.capabilityline')),
                ('standard', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='capability_citations', to='standards.standard')),
            ],
            options={
                'ordering': ['line_id', 'id'],
                'indexes': [models.Index(fields=['base_code', 'year'], name='institution_base_co_380b8b_idx')],
                'constraints': [models.UniqueConstraint(fields=('line', 'code'), name='capability_standard_unique')],
            },
        ),
        migrations.AddIndex(
            model_name='qualification',
            index=models.Index(fields=['valid_to'], name='institution_valid_t_c84c77_idx'),
        ),
        migrations.AddIndex(
            model_name='qualification',
            index=models.Index(fields=['type', 'status'], name='institution_type_1bf508_idx'),
        ),
        migrations.AddIndex(
            model_name='qualification',
            index=models.Index(fields=['cma_authority', 'cma_field'], name='institution_cma_aut_b49096_idx'),
        ),
        migrations.AddConstraint(
            model_name='qualification',
            constraint=models.UniqueConstraint(fields=('type', 'number'), name='qualification_unique_number'),
        ),
        migrations.AddConstraint(
            model_name='qualification',
            constraint=models.CheckConstraint(condition=models.Q(('valid_to__gte', models.F('valid_from'))), name='qualification_valid_to_not_before_valid_from'),
        ),
        migrations.AddIndex(
            model_name='capabilityline',
            index=models.Index(fields=['kind', 'field'], name='institution_kind_074a16_idx'),
        ),
        migrations.AddIndex(
            model_name='capabilityline',
            index=models.Index(fields=['organisation', 'kind'], name='institution_organis_f19f81_idx'),
        ),
        migrations.AddIndex(
            model_name='capabilityline',
            index=models.Index(fields=['organisation', 'is_flagged'], name='institution_organis_02f0f2_idx'),
        ),
        migrations.AddIndex(
            model_name='capabilityline',
            index=models.Index(fields=['dimension', 'range_min_base', 'range_max_base'], name='institution_dimensi_65ffda_idx'),
        ),
        migrations.AddIndex(
            model_name='capabilityline',
            index=models.Index(fields=['natural_key'], name='institution_natural_45bdd5_idx'),
        ),
        migrations.AddConstraint(
            model_name='capabilityline',
            constraint=models.UniqueConstraint(fields=('organisation', 'natural_key'), name='capability_line_unique_key'),
        ),
        migrations.AddConstraint(
            model_name='capabilityline',
            constraint=models.CheckConstraint(condition=models.Q(('qualification__isnull', False), ('kind', 'service'), _connector='OR'), name='capability_line_qualification_unless_service'),
        ),
        migrations.AddConstraint(
            model_name='capabilityline',
            constraint=models.CheckConstraint(condition=models.Q(('range_min__isnull', True), ('range_max__isnull', True), ('range_max__gte', models.F('range_min')), _connector='OR'), name='capability_line_range_ordered'),
        ),
        migrations.RunPython(forward, reverse),
    ]
