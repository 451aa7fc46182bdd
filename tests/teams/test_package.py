"""`policybot teams package`: the zip a Teams administrator uploads."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

from tests.processes import inherited

APP_ID = "6D1B2F7E-1234-4C1E-9D2A-3F5E8C7B9A10"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), **inherited()},
    )


def decode_png(data: bytes) -> tuple[int, int, list[tuple[int, int, int, int]]]:
    """Width, height and RGBA pixels of an unfiltered 8-bit RGBA PNG, checking every CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks = 8, {}
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length : position + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        chunks[kind] = body
        position += 12 + length
    width, height, depth, color_type = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, color_type) == (8, 6) and set(chunks) == {b"IHDR", b"IDAT", b"IEND"}
    raw = zlib.decompress(chunks[b"IDAT"])
    pixels = []
    for row in range(height):
        line = raw[row * (width * 4 + 1) : (row + 1) * (width * 4 + 1)]
        assert line[0] == 0  # no filter
        pixels += [tuple(line[1 + 4 * x : 5 + 4 * x]) for x in range(width)]
    return width, height, pixels  # type: ignore[return-value]


def test_the_package_holds_the_manifest_for_this_bot_and_valid_icons(tmp_path: Path) -> None:
    out = tmp_path / "dist" / "policybot-teams.zip"
    result = run(
        "teams",
        "package",
        "--app-id",
        APP_ID,
        "--out",
        str(out),
        "--developer",
        "City of La Crosse",
        "--website-url",
        "https://www.cityoflacrosse.org",
        "--privacy-url",
        "https://www.cityoflacrosse.org/privacy",
        "--terms-url",
        "https://www.cityoflacrosse.org/terms",
    )
    assert result.returncode == 0, result.stderr
    assert "Upload an app" in result.stdout and result.stderr == ""
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        color = decode_png(archive.read("color.png"))
        outline = decode_png(archive.read("outline.png"))
    assert manifest["id"] == manifest["bots"][0]["botId"] == APP_ID.lower()
    assert manifest["developer"]["name"] == "City of La Crosse"
    assert manifest["developer"]["privacyUrl"] == "https://www.cityoflacrosse.org/privacy"
    assert "{{" not in json.dumps(manifest)
    assert set(manifest["bots"][0]["scopes"]) == {"personal", "team", "groupChat"}
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["description"]["short"]) <= 80
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}
    assert color[:2] == (192, 192) and len(set(color[2])) > 1
    assert outline[:2] == (32, 32)
    assert set(outline[2]) == {(255, 255, 255, 255), (0, 0, 0, 0)}  # white on transparent


def test_the_same_inputs_build_the_same_zip(tmp_path: Path) -> None:
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    for out in (first, second):
        assert run("teams", "package", "--app-id", APP_ID, "--out", str(out)).returncode == 0
    assert first.read_bytes() == second.read_bytes()


def test_placeholder_pages_are_pointed_out(tmp_path: Path) -> None:
    result = run("teams", "package", "--app-id", APP_ID, "--out", str(tmp_path / "p.zip"))
    assert result.returncode == 0
    assert "placeholder pages" in result.stderr


def test_a_bad_app_id_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    out = tmp_path / "p.zip"
    result = run("teams", "package", "--app-id", "my-bot", "--out", str(out))
    assert result.returncode == 2
    assert "--app-id must be the bot's Microsoft App ID" in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()
