"""npm assets: the lock is well-formed, what it pins is what is installed, and scripts/assets.py refuses a tarball
that does not match the lock or a file that would land outside bianmin/static/vendor/ or bianmin/documents/fonts/."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import io
import json
import sys
import tarfile
from pathlib import Path
from types import ModuleType

import pytest
from django.contrib.staticfiles import finders

from bianmin.documents import pdf

ROOT = Path(__file__).resolve().parents[2]


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bianmin_assets_script", ROOT / "scripts" / "assets.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


assets = _load_script()
JS = "bianmin/static/vendor/demo/demo.min.js"


def _tarball(members: dict[str, bytes], symlinks: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
        for name, target in (symlinks or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            archive.addfile(info)
    return buffer.getvalue()


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def _project(tmp_path: Path, data: bytes, files: dict[str, str] | None = None, integrity: str | None = None):
    """A throwaway project root with a lock for one package `demo` 1.0.0 and its tarball in an offline cache."""
    root, cache = tmp_path / "project", tmp_path / "cache"
    root.mkdir()
    cache.mkdir()
    (cache / "demo-1.0.0.tgz").write_bytes(data)
    lock = {
        "packages": [
            {
                "name": "demo",
                "version": "1.0.0",
                "tarball": "https://registry.npmjs.org/demo/-/demo-1.0.0.tgz",
                "integrity": integrity or _integrity(data),
                "files": files
                or {"package/dist/demo.min.js": JS, "package/LICENSE": "bianmin/static/vendor/demo/LICENSE"},
            }
        ]
    }
    (root / "assets.lock.json").write_text(json.dumps(lock), encoding="utf-8")
    return root, cache


GOOD = _tarball({"package/dist/demo.min.js": b"window.demo = 1;", "package/LICENSE": b"MIT"})


# --- the real lock and what scripts/install put in place ---------------------------------------------------------


def test_the_lock_pins_echarts_from_the_npm_registry():
    packages = {p.name: p for p in assets.load_lock(ROOT / "assets.lock.json")}
    echarts = packages["echarts"]
    assert echarts.tarball == f"https://registry.npmjs.org/echarts/-/echarts-{echarts.version}.tgz"
    assert echarts.integrity.startswith("sha512-")
    assert echarts.files["package/dist/echarts.min.js"] == "bianmin/static/vendor/echarts/echarts.min.js"
    assert {"package/LICENSE", "package/NOTICE"} <= set(echarts.files)


def test_the_lock_pins_the_notice_font_with_its_licence_where_the_renderer_reads_it():
    font = {p.name: p for p in assets.load_lock(ROOT / "assets.lock.json")}["@expo-google-fonts/noto-serif-sc"]
    assert font.files == {
        "package/400Regular/NotoSerifSC_400Regular.ttf": str(pdf.FONT_FILE.relative_to(ROOT)),
        "package/LICENSE_FONT": "bianmin/documents/fonts/OFL.txt",
    }


def test_the_installed_files_are_the_ones_the_lock_pins():
    # given the lock and the stamp scripts/install wrote after verifying the tarball
    stamp = assets.read_stamp(ROOT)
    for package in assets.load_lock(ROOT / "assets.lock.json"):
        entry = stamp.get(package.name)
        assert entry, f"{package.name} is not installed: run scripts/install"
        # then the stamp is for this exact tarball and names every file the lock lists
        assert entry["integrity"] == package.integrity
        assert set(entry["files"]) == set(package.files.values())
        # and every file on disk still has the content that was extracted from it
        for dest, sha256 in entry["files"].items():
            assert hashlib.sha256((ROOT / dest).read_bytes()).hexdigest() == sha256, dest
        assert assets.is_installed(ROOT, package, stamp)


def test_echarts_is_the_pinned_version_and_a_static_file():
    echarts = next(p for p in assets.load_lock(ROOT / "assets.lock.json") if p.name == "echarts")
    found = finders.find("vendor/echarts/echarts.min.js")  # what collectstatic copies and whitenoise serves
    assert found and Path(found) == ROOT / "bianmin/static/vendor/echarts/echarts.min.js"
    assert f'.version="{echarts.version}"' in Path(found).read_text(encoding="utf-8")
    # collectstatic's default ignore patterns take the file and leave the stamp out
    collected = {path for finder in finders.get_finders() for path, _ in finder.list(["CVS", ".*", "*~"])}
    assert "vendor/echarts/echarts.min.js" in collected
    assert "vendor/.installed.json" not in collected


# --- the script, on tarballs built here (no network) ------------------------------------------------------------


def test_an_offline_install_extracts_only_the_listed_files_and_then_does_nothing(tmp_path):
    root, cache = _project(
        tmp_path, _tarball({"package/dist/demo.min.js": b"x", "package/LICENSE": b"MIT", "package/src/a.ts": b"y"})
    )
    packages = assets.load_lock(root / "assets.lock.json")

    assert [p.name for p in assets.install(root, packages, cache)] == ["demo"]
    assert (root / JS).read_bytes() == b"x"
    assert sorted(p.name for p in (root / "bianmin/static/vendor/demo").iterdir()) == ["LICENSE", "demo.min.js"]

    # when it runs again with the tarball gone, it finds everything in place and reads nothing
    (cache / "demo-1.0.0.tgz").unlink()
    assert assets.install(root, packages, cache) == []


def test_a_font_is_installed_into_the_fonts_directory(tmp_path):
    font = "bianmin/documents/fonts/demo.ttf"
    root, cache = _project(tmp_path, _tarball({"package/demo.ttf": b"font"}), files={"package/demo.ttf": font})

    assets.install(root, assets.load_lock(root / "assets.lock.json"), cache)
    assert (root / font).read_bytes() == b"font"


def test_a_changed_installed_file_is_extracted_again(tmp_path):
    root, cache = _project(tmp_path, GOOD)
    packages = assets.load_lock(root / "assets.lock.json")
    assets.install(root, packages, cache)
    (root / JS).write_bytes(b"tampered")

    assert [p.name for p in assets.install(root, packages, cache)] == ["demo"]
    assert (root / JS).read_bytes() == b"window.demo = 1;"


def test_a_tarball_that_does_not_match_the_integrity_is_refused_before_extraction(tmp_path):
    other = _tarball({"package/dist/demo.min.js": b"evil()", "package/LICENSE": b"MIT"})
    root, cache = _project(tmp_path, other, integrity=_integrity(GOOD))

    with pytest.raises(assets.AssetError, match="does not match the lock's integrity"):
        assets.install(root, assets.load_lock(root / "assets.lock.json"), cache)
    assert not (root / "bianmin/static/vendor").exists()


@pytest.mark.parametrize(
    "dest",
    [
        "bianmin/static/vendor/../../settings.py",
        "bianmin/static/vendor/demo/../../../../etc/passwd",
        "/srv/bianmin/static/vendor/demo.min.js",
        "bianmin/settings.py",
        "bianmin/static/vendor",
        "bianmin/static/vendor//demo/x.js",
        "bianmin/documents/fonts",
        "bianmin/documents/fonts/../pdf.py",
        "bianmin/documents/pdf.py",
    ],
)
def test_a_lock_that_would_write_outside_the_vendor_directory_is_refused(tmp_path, dest):
    root, _ = _project(tmp_path, GOOD, files={"package/dist/demo.min.js": dest})
    with pytest.raises(assets.AssetError, match="destination"):
        assets.load_lock(root / "assets.lock.json")


@pytest.mark.parametrize("member", ["package/../../x", "/package/x", "other/x", "package/./x"])
def test_a_lock_may_only_take_plain_members_under_package(tmp_path, member):
    root, _ = _project(tmp_path, GOOD, files={member: JS})
    with pytest.raises(assets.AssetError, match="tarball member"):
        assets.load_lock(root / "assets.lock.json")


def test_a_symlink_in_the_tarball_is_not_followed(tmp_path):
    data = _tarball({"package/LICENSE": b"MIT"}, symlinks={"package/dist/demo.min.js": "/etc/passwd"})
    root, cache = _project(tmp_path, data)

    with pytest.raises(assets.AssetError, match="not a regular file"):
        assets.install(root, assets.load_lock(root / "assets.lock.json"), cache)
    assert not (root / JS).exists()


def test_a_symlinked_directory_cannot_lead_a_file_out_of_the_vendor_directory(tmp_path):
    root, cache = _project(tmp_path, GOOD)
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "bianmin/static/vendor").mkdir(parents=True)
    (root / "bianmin/static/vendor/demo").symlink_to(outside)

    with pytest.raises(assets.AssetError, match="leads outside"):
        assets.install(root, assets.load_lock(root / "assets.lock.json"), cache)
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"version": "^1.0.0"}, "version must be exact"),
        ({"tarball": "https://cdn.example.com/demo-1.0.0.tgz"}, "tarball must be"),
        ({"integrity": "sha1-" + base64.b64encode(b"x" * 20).decode()}, "must be sha512"),
        ({"integrity": "sha512-" + base64.b64encode(b"short").decode()}, "not a sha512 digest"),
    ],
)
def test_a_lock_entry_must_pin_one_exact_registry_tarball(tmp_path, change, message):
    root, _ = _project(tmp_path, GOOD)
    lock = json.loads((root / "assets.lock.json").read_text(encoding="utf-8"))
    lock["packages"][0].update(change)
    (root / "assets.lock.json").write_text(json.dumps(lock), encoding="utf-8")
    with pytest.raises(assets.AssetError, match=message):
        assets.load_lock(root / "assets.lock.json")


def test_only_the_registry_is_ever_downloaded_from():
    with pytest.raises(assets.AssetError, match="refusing"):
        assets.download("file:///etc/passwd")


def test_the_command_installs_from_bianmin_assets_dir_and_fails_in_one_line(tmp_path, monkeypatch, capsys):
    root, cache = _project(tmp_path, GOOD)
    monkeypatch.setenv("BIANMIN_ASSETS_DIR", str(cache))

    assert assets.main([], root=root) == 0
    assert "installed demo 1.0.0" in capsys.readouterr().out
    assert (root / JS).exists()

    # when the offline directory lacks the tarball the lock now asks for
    (root / "bianmin/static/vendor/.installed.json").unlink()
    (cache / "demo-1.0.0.tgz").unlink()
    assert assets.main([], root=root) == 1
    err = capsys.readouterr().err
    assert err.startswith("assets: demo-1.0.0.tgz not found in") and err.count("\n") == 1
