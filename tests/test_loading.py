"""Loading real files of every supported format, and the ways a file can be rejected."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.document import short_hash
from ingest.loading import SUPPORTED_SUFFIXES, LoadError, iter_files, load_file, parse_date

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "seeds" / "000_06bb106c697d14b6.txt"
EVAL_CORPUS = Path("/work/shared/eval/realtimeqa/corpus")

BODY = "First paragraph of the story.\n\nSecond paragraph, with more detail."


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def make_pdf(lines: list[str], title: str | None = None) -> bytes:
    """A minimal, valid one-page PDF with Helvetica text, built by hand so the xref offsets are real."""
    ops = ["BT", "/F1 12 Tf", "72 720 Td", "14 TL"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"({escaped}) Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")

    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    if title is not None:
        objects.append(b"<< /Title (" + title.encode("latin-1") + b") >>")

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    info = b" /Info %d 0 R" % len(objects) if title is not None else b""
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\n" % (len(objects) + 1, info)
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


# --------------------------------------------------------------------------- text / Markdown


def test_supported_suffixes() -> None:
    expected = {".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl", ".pdf"}
    assert expected == SUPPORTED_SUFFIXES


def test_txt_with_headers(tmp_path: Path) -> None:
    f = write(
        tmp_path / "news" / "story.txt",
        "Big Storm Hits Coast\n\nSource: example.com\nPublished: 2024/07/31\n"
        "URL: https://example.com/storm\nAuthor: Jane Doe\n\n" + BODY + "\n",
    )
    [doc] = load_file(f, root=tmp_path)
    assert doc.title == "Big Storm Hits Coast"
    assert doc.source == "example.com"
    assert doc.published == "2024-07-31"
    assert doc.url == "https://example.com/storm"
    assert doc.author == "Jane Doe"
    assert doc.text == BODY
    assert doc.path == "news/story.txt"
    assert doc.doc_id == short_hash("news/story.txt")


def test_txt_header_keys_are_case_insensitive_and_crlf_is_normalised(tmp_path: Path) -> None:
    content = "\ufeffTitle\r\n\r\nSOURCE: bbc.co.uk\r\npublished: 31 Jul 2024\r\n\r\nLine one.\r\nLine two.\r\n"
    f = write(tmp_path / "a.txt", content.encode("utf-8"))
    [doc] = load_file(f, root=tmp_path)
    assert doc.title == "Title"  # the BOM is not part of the title
    assert doc.source == "bbc.co.uk"
    assert doc.published == "2024-07-31"
    assert doc.text == "Line one.\nLine two."


def test_header_like_line_inside_body_is_kept(tmp_path: Path) -> None:
    f = write(tmp_path / "a.txt", "Title\n\nIntro paragraph.\n\nSource: a quote in the body.\n")
    [doc] = load_file(f)
    assert doc.source == ""
    assert doc.text == "Intro paragraph.\n\nSource: a quote in the body."


def test_trailing_byline_is_read_and_the_header_block_wins(tmp_path: Path) -> None:
    f = write(tmp_path / "a.txt", "Title\n\nFirst paragraph.\n\nLast paragraph.\n\nBy line:\nAuthor: Ann Lee\n")
    [doc] = load_file(f)
    assert doc.author == "Ann Lee"
    assert doc.text == "First paragraph.\n\nLast paragraph.\n\nBy line:"
    f = write(tmp_path / "b.txt", "Title\n\nAuthor: Header Name\n\nBody text.\n\nAuthor: Someone Else\n")
    [doc] = load_file(f)
    assert doc.author == "Header Name"
    assert doc.text.endswith("Author: Someone Else")  # not metadata: the header block already named the author


def test_markdown_heading_title(tmp_path: Path) -> None:
    f = write(tmp_path / "post.md", "# Election Results Are In\n\nURL: https://news.test/e\n\n" + BODY)
    [doc] = load_file(f, root=tmp_path)
    assert doc.title == "Election Results Are In"
    assert doc.url == "https://news.test/e"
    assert doc.source == ""
    assert doc.text == BODY

    g = write(tmp_path / "other.markdown", "## Sub Heading\n" + BODY)
    assert load_file(g)[0].title == "Sub Heading"


def test_shipped_seed_file() -> None:
    [doc] = load_file(SEED, root=REPO / "seeds")
    assert doc.title == "US Military Claims Iranian Troops and Weapons are in Venezuela"
    assert doc.source == doc.published == doc.url == ""
    assert doc.author == "Dave DeCamp"  # a trailing byline, above a line about him
    assert "Author:" not in doc.text
    assert doc.text.endswith("follow him on Twitter @decampdave.")
    assert doc.text.startswith("The US is angry about the trade relationship")
    assert doc.text == doc.text.strip()
    assert doc.path == SEED.name
    assert doc.doc_id == short_hash(SEED.name)


def test_eval_corpus_file() -> None:
    if not EVAL_CORPUS.is_dir():
        pytest.skip("eval corpus not available")
    files = sorted(EVAL_CORPUS.glob("*.txt"))
    if not files:
        pytest.skip("eval corpus is empty")
    f = files[0]
    [doc] = load_file(f, root=EVAL_CORPUS)
    first_line = f.read_text(encoding="utf-8").split("\n", 1)[0].strip()
    assert doc.title == first_line
    assert doc.source
    assert len(doc.published) == 10 and doc.published[4] == "-"
    assert doc.url.startswith("http")
    assert "Source:" not in doc.text and "URL:" not in doc.text
    assert doc.text and doc.text == doc.text.strip()
    assert doc.path == f.name


# --------------------------------------------------------------------------- HTML

ARTICLE_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Council Approves New Bridge | City Gazette</title>
  <meta property="og:title" content="Council Approves New Bridge">
  <meta property="og:site_name" content="City Gazette">
  <meta property="og:url" content="https://gazette.test/2024/07/31/bridge">
  <meta name="author" content="Sam Reporter">
  <meta property="article:published_time" content="2024-07-31T10:00:00Z">
</head>
<body>
  <nav><ul><li><a href="/">Home</a></li><li><a href="/sports">NAVLINK Sports section</a></li>
  <li><a href="/weather">NAVLINK Weather section</a></li></ul></nav>
  <header><div class="menu">NAVLINK Subscribe now for unlimited access</div></header>
  <main>
    <article>
      <h1>Council Approves New Bridge</h1>
      <p>The city council voted seven to two on Tuesday evening to approve construction of a new
      pedestrian bridge across the river, ending a debate that has lasted for nearly a decade.</p>
      <p>Supporters said the bridge would connect the growing east side neighbourhoods with the
      downtown business district and reduce traffic on the two existing road bridges.</p>
      <p>Opponents raised concerns about the cost, estimated at forty million dollars, and about the
      impact of construction on the riverside park during the two years of planned work.</p>
      <p>The mayor said that construction could begin as early as next spring if the state approves
      the remaining funding in its autumn budget session.</p>
    </article>
  </main>
  <footer><p>FOOTERTEXT Copyright 2024 City Gazette. All rights reserved.</p>
  <p>FOOTERTEXT Privacy policy | Terms of use | Contact us</p></footer>
</body>
</html>
"""


def test_html_article_without_boilerplate(tmp_path: Path) -> None:
    f = write(tmp_path / "bridge.html", ARTICLE_HTML)
    [doc] = load_file(f, root=tmp_path)
    assert doc.title == "Council Approves New Bridge"
    assert "voted seven to two" in doc.text
    assert "next spring" in doc.text
    assert "NAVLINK" not in doc.text
    assert "FOOTERTEXT" not in doc.text
    assert doc.source == "City Gazette"
    assert doc.url == "https://gazette.test/2024/07/31/bridge"
    assert doc.published == "2024-07-31"
    assert doc.author == "Sam Reporter"
    assert "\r" not in doc.text
    assert doc.doc_id == short_hash("bridge.html")


def test_html_title_falls_back_to_title_tag(tmp_path: Path) -> None:
    paragraphs = "".join(
        f"<p>Paragraph {i} of a plain page that has no headline element and no social metadata at all, "
        f"only ordinary running text about the harbour redevelopment plans.</p>"
        for i in range(4)
    )
    f = write(
        tmp_path / "plain.htm", f"<html><head><title>Harbour Plans</title></head><body>{paragraphs}</body></html>"
    )
    [doc] = load_file(f)
    assert doc.title == "Harbour Plans"
    assert "harbour redevelopment" in doc.text


def test_html_without_text_is_rejected(tmp_path: Path) -> None:
    f = write(tmp_path / "blank.html", "<html><head><title>Nothing</title></head><body><nav></nav></body></html>")
    with pytest.raises(LoadError) as info:
        load_file(f)
    assert "no text" in info.value.reason


# --------------------------------------------------------------------------- JSON / JSONL


def test_json_object(tmp_path: Path) -> None:
    record = {
        "title": "Rates Held Steady",
        "body": "The central bank kept rates unchanged.\r\nMarkets rose.",
        "url": "https://money.test/rates",
        "published_at": "Wed, 31 Jul 2024 14:00:00 +0000",
        "source": "Money Test",
        "author": "A. Writer",
    }
    f = write(tmp_path / "one.json", json.dumps(record))
    [doc] = load_file(f, root=tmp_path)
    assert doc.title == "Rates Held Steady"
    assert doc.text == "The central bank kept rates unchanged.\nMarkets rose."
    assert doc.published == "2024-07-31"
    assert doc.source == "Money Test"
    assert doc.author == "A. Writer"
    assert doc.doc_id == short_hash("https://money.test/rates")
    assert doc.path == "one.json"


def test_json_list_skips_records_without_body(tmp_path: Path) -> None:
    records = [
        {"title": "With URL", "text": "Text field body.", "url": "https://x.test/1", "date": "July 31, 2024"},
        {"title": "No body at all"},
        {"title": "Without URL", "content": "Content field body.", "published": "2024-08-01"},
    ]
    f = write(tmp_path / "sub" / "list.json", json.dumps(records))
    docs = load_file(f, root=tmp_path)
    assert [d.title for d in docs] == ["With URL", "Without URL"]
    assert docs[0].doc_id == short_hash("https://x.test/1")
    assert docs[0].published == "2024-07-31"
    # The index is the record's position in the file, counting the skipped record.
    assert docs[1].doc_id == short_hash("sub/list.json#2")
    assert docs[1].published == "2024-08-01"
    assert all(d.path == "sub/list.json" for d in docs)


def test_json_articles_wrapper_with_nested_source(tmp_path: Path) -> None:
    payload = {
        "status": "ok",
        "articles": [
            {
                "source": {"id": None, "name": "Wire Service"},
                "title": "Wrapped",
                "content": "Wrapped body.",
                "url": "https://wire.test/a",
                "publishedAt": "2024-07-31T10:00:00Z",
            }
        ],
    }
    f = write(tmp_path / "feed.json", json.dumps(payload))
    [doc] = load_file(f)
    assert doc.source == "Wire Service"
    assert doc.published == "2024-07-31"


def test_jsonl(tmp_path: Path) -> None:
    lines = [
        json.dumps({"title": "First", "body": "Body one.", "url": "https://j.test/1"}),
        "",
        json.dumps({"title": "Second", "body": "Body two."}),
        "",
    ]
    f = write(tmp_path / "feed.jsonl", "\n".join(lines))
    docs = load_file(f, root=tmp_path)
    assert [d.text for d in docs] == ["Body one.", "Body two."]
    assert docs[0].doc_id == short_hash("https://j.test/1")
    assert docs[1].doc_id == short_hash("feed.jsonl#1")


def test_json_without_usable_records(tmp_path: Path) -> None:
    f = write(tmp_path / "nobody.json", json.dumps([{"title": "a"}, {"title": "b"}]))
    with pytest.raises(LoadError) as info:
        load_file(f)
    assert "no usable records" in info.value.reason
    assert "no body text" in info.value.reason

    g = write(tmp_path / "none.json", "[]")
    with pytest.raises(LoadError, match="no records"):
        load_file(g)


def test_broken_json_reports_line(tmp_path: Path) -> None:
    f = write(tmp_path / "bad.json", '{\n  "title": "x",\n  "body": oops\n}')
    with pytest.raises(LoadError) as info:
        load_file(f)
    assert info.value.reason.startswith("invalid JSON on line 3")

    g = write(tmp_path / "bad.jsonl", '{"body": "fine"}\n{"body": "fine"}\n{"body": \n')
    with pytest.raises(LoadError) as info:
        load_file(g)
    assert info.value.reason.startswith("invalid JSON on line 3")


# --------------------------------------------------------------------------- PDF


def test_pdf_generated_by_hand(tmp_path: Path) -> None:
    f = write(tmp_path / "report.pdf", make_pdf(["Hello news", "Second line of the report."]))
    [doc] = load_file(f, root=tmp_path)
    assert "Hello news" in doc.text
    assert "Second line of the report." in doc.text
    assert doc.title == "Hello news"  # no /Title metadata: first line
    assert doc.doc_id == short_hash("report.pdf")
    assert doc.path == "report.pdf"


def test_pdf_title_from_metadata(tmp_path: Path) -> None:
    f = write(tmp_path / "titled.pdf", make_pdf(["Hello news"], title="Quarterly Report"))
    [doc] = load_file(f)
    assert doc.title == "Quarterly Report"
    assert "Hello news" in doc.text


def test_pdf_without_text(tmp_path: Path) -> None:
    f = write(tmp_path / "scan.pdf", make_pdf([]))
    with pytest.raises(LoadError) as info:
        load_file(f)
    assert info.value.reason == "no text could be extracted (scanned PDF?)"


# --------------------------------------------------------------------------- rejected files


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("report.docx", b"PK\x03\x04 not really a docx", "unsupported file type '.docx'"),
        ("README", b"no extension", "unsupported file type"),
        ("latin1.txt", "Caf\xe9 news\n\nbody".encode("latin-1"), "not valid UTF-8"),
        ("latin1.json", b'{"body": "caf\xe9"}', "not valid UTF-8"),
        ("empty.txt", b"", "empty"),
        ("blank.md", b"  \n\t\n  \r\n", "empty"),
        ("title-only.txt", b"Just a title\n\nSource: x.com\n", "empty"),
        ("empty.json", b"", "empty"),
        ("empty.html", b"\n", "empty"),
        ("garbage.pdf", b"this is not a PDF at all \x00\x01\x02" * 20, "not a readable PDF"),
        ("empty.pdf", b"", "empty"),
        ("scalar.json", b'"just a string"', "expected a JSON object"),
    ],
)
def test_bad_files_raise_load_error(tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    f = write(tmp_path / name, content)
    with pytest.raises(LoadError) as info:
        load_file(f)
    assert info.value.reason.startswith(expected)
    assert str(f) in str(info.value)  # the message names the file for logs


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="file not found"):
        load_file(tmp_path / "gone.txt")


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024/07/31", "2024-07-31"),
        ("2024-07-31", "2024-07-31"),
        ("2024-07-31T10:00:00Z", "2024-07-31"),
        ("2024-07-31T23:30:00-05:00", "2024-07-31"),  # kept as written, not shifted to UTC
        ("20240731", "2024-07-31"),
        ("July 31, 2024", "2024-07-31"),
        ("Jul. 31, 2024", "2024-07-31"),
        ("Sept 3, 2024", "2024-09-03"),
        ("Wednesday, July 31st, 2024 at 10:00 AM", "2024-07-31"),
        ("31 Jul 2024", "2024-07-31"),
        ("31 July 2024", "2024-07-31"),
        ("Wed, 31 Jul 2024 14:00:00 +0000", "2024-07-31"),
        ("Wed, 31 Jul 2024 23:30:00 -0500", "2024-07-31"),
        ("07/31/2024", "2024-07-31"),
        ("31/07/2024", "2024-07-31"),
        ("  2024-7-3  ", "2024-07-03"),
        ("", ""),
        ("yesterday", ""),
        ("2024", ""),
        ("July 2024", ""),
        ("2024-02-30", ""),
        ("Marathon 5, 2024", ""),
    ],
)
def test_parse_date(value: str, expected: str) -> None:
    assert parse_date(value) == expected


# --------------------------------------------------------------------------- iter_files and ids


def test_iter_files_expands_folders_and_skips_hidden(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write(docs / "b.txt", "x")
    write(docs / "a.md", "x")
    write(docs / "nested" / "c.json", "{}")
    write(docs / "notes.docx", "x")  # unsupported files are still returned
    write(docs / ".hidden.txt", "x")
    write(docs / "~$lock.docx", "x")
    write(docs / ".git" / "config.txt", "x")
    write(docs / "~tmp" / "d.txt", "x")
    loose = write(tmp_path / ".explicit.txt", "x")

    found = iter_files([docs, loose])
    rel = [p.relative_to(tmp_path).as_posix() for p in found]
    assert rel == ["docs/a.md", "docs/b.txt", "docs/nested/c.json", "docs/notes.docx", ".explicit.txt"]
    # A folder given twice does not yield its files twice.
    assert iter_files([docs, docs]) == found[:-1]


def test_doc_id_is_stable(tmp_path: Path) -> None:
    content = "Title\n\nBody text."
    one = write(tmp_path / "one" / "sub" / "story.txt", content)
    two = write(tmp_path / "two" / "sub" / "story.txt", content)

    first = load_file(one, root=tmp_path / "one")[0]
    again = load_file(one, root=tmp_path / "one")[0]
    elsewhere = load_file(two, root=tmp_path / "two")[0]
    assert first.doc_id == again.doc_id == elsewhere.doc_id == short_hash("sub/story.txt")
    assert first.path == elsewhere.path == "sub/story.txt"

    # Outside the root the absolute path is used, so it differs from the relative one.
    outside = load_file(one, root=tmp_path / "two")[0]
    assert outside.path == one.resolve().as_posix()
    assert outside.doc_id != first.doc_id
    assert load_file(one)[0].path == outside.path


def test_text_is_read_in_one_unicode_spelling(tmp_path: Path) -> None:
    # "González" with a combining accent (NFD) is stored as keyboards type it (NFC): one token for BM25, not two.
    f = write(
        tmp_path / "a.txt", "Esther Gonza\u0301lez scores\n\nAuthor: Jose\u0301 Marti\u0301\n\nGonza\u0301lez scored.\n"
    )
    [doc] = load_file(f, root=tmp_path)
    assert (doc.title, doc.author, doc.text) == ("Esther González scores", "José Martí", "González scored.")
