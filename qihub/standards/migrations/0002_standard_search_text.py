"""Full-text search over standards: a segmented ``search_text`` column and its index.

PostgreSQL: a GIN index on exactly the expression Django's ``SearchVector("search_text",
config="simple")`` emits (COALESCE included, or the planner ignores it).
SQLite: an external-content FTS5 table kept in sync by triggers.

Existing rows are segmented here with jieba directly (migrations import nothing from qihub),
with the same rules as qihub.core.search.segment.
"""

import re
import tempfile
from pathlib import Path

import jieba
from django.db import migrations, models

WORDS = Path(__file__).resolve().parents[2] / "core" / "data" / "qi_words.txt"
WORD = re.compile(r"[^\W_]+")

PG_FORWARD = [
    "CREATE INDEX standards_standard_search_gin ON standards_standard "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_text, '')))",
]
PG_REVERSE = ["DROP INDEX IF EXISTS standards_standard_search_gin"]

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE standards_standard_fts USING fts5("
    "search_text, content='standards_standard', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER standards_standard_fts_ai AFTER INSERT ON standards_standard BEGIN "
    "INSERT INTO standards_standard_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER standards_standard_fts_ad AFTER DELETE ON standards_standard BEGIN "
    "INSERT INTO standards_standard_fts(standards_standard_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER standards_standard_fts_au AFTER UPDATE ON standards_standard BEGIN "
    "INSERT INTO standards_standard_fts(standards_standard_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO standards_standard_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS standards_standard_fts_au",
    "DROP TRIGGER IF EXISTS standards_standard_fts_ad",
    "DROP TRIGGER IF EXISTS standards_standard_fts_ai",
    "DROP TABLE IF EXISTS standards_standard_fts",
]


def _segmenter():
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = tempfile.gettempdir()
    if WORDS.exists():
        tokenizer.load_userdict(str(WORDS))

    def segment(text):
        text = "".join(
            " " if ord(c) == 0x3000 else chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else c
            for c in text
        )
        words = []
        for token in tokenizer.cut_for_search(text, HMM=False):
            words.extend(word.lower() for word in WORD.findall(token))
        return " ".join(words)

    return segment


def _execute(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _execute(schema_editor, PG_FORWARD)
    elif vendor == "sqlite":
        _execute(schema_editor, SQLITE_FORWARD)
    Standard = apps.get_model("standards", "Standard")
    db = schema_editor.connection.alias
    rows = Standard.objects.using(db).only("id", "code", "base_code", "title_zh", "title_en")
    if not rows.exists():
        return
    segment = _segmenter()
    batch = []
    for standard in rows.iterator(chunk_size=2000):
        standard.search_text = segment(
            f"{standard.code} {standard.base_code} {standard.title_zh} {standard.title_en}"
        )
        batch.append(standard)
        if len(batch) >= 2000:
            Standard.objects.using(db).bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        Standard.objects.using(db).bulk_update(batch, ["search_text"])


def reverse(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _execute(schema_editor, PG_REVERSE)
    elif vendor == "sqlite":
        _execute(schema_editor, SQLITE_REVERSE)


class Migration(migrations.Migration):
    dependencies = [
        ("standards", "0001_standards_catalogue"),
    ]

    operations = [
        migrations.AddField(
            model_name="standard",
            name="search_text",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(forward, reverse),
    ]
