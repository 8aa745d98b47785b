#!/usr/bin/env python3
"""Install the npm packages pinned in assets.lock.json: front-end files into bianmin/static/vendor/, fonts for
the PDF notices into bianmin/documents/fonts/.

    scripts/assets.py                  install what the lock lists; does nothing when it is already in place
    scripts/assets.py --download DIR   save the pinned tarballs (verified) into DIR, for an offline install

Each tarball comes from the npm registry, or, when BIANMIN_ASSETS_DIR is set or vendor-cache/ exists, from that
directory and never from the network. Either way its sha512 must match the lock's `integrity` before anything is
extracted, and only the files the lock names are written, each to a path inside one of those two directories.
Standard library only: it runs on a machine without node or npm, before the virtualenv exists.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import http.client
import io
import json
import os
import re
import sys
import tarfile
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
LOCK_FILE = "assets.lock.json"
VENDOR_DIR = "bianmin/static/vendor"
# Server-side only, outside static/: collectstatic would otherwise copy, hash, gzip and publish a 15 MB font.
FONT_DIR = "bianmin/documents/fonts"
DEST_DIRS = (VENDOR_DIR, FONT_DIR)
STAMP_FILE = ".installed.json"  # in VENDOR_DIR; a dotfile, so collectstatic leaves it out
CACHE_DIR = "vendor-cache"
REGISTRY = "https://registry.npmjs.org/"
MAX_TARBALL_BYTES = 100 * 1024 * 1024
MAX_FILE_BYTES = 50 * 1024 * 1024
DOWNLOAD_TIMEOUT_SECONDS = 60
VERSION_RE = re.compile(r"\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?")
NAME_RE = re.compile(r"(@[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*")


class AssetError(Exception):
    """A failure worth one line to the person installing: bad lock, bad download, bad tarball."""


@dataclass(frozen=True)
class Package:
    """One npm package of the lock: where its tarball is, what it must hash to, which files go where."""

    name: str
    version: str
    tarball: str
    integrity: str
    files: dict[str, str]  # member of the tarball -> destination relative to the project root

    @property
    def tarball_name(self) -> str:
        """The tarball's file name, as the registry URL and `npm pack` give it: echarts-6.1.0.tgz."""
        return self.tarball.rsplit("/", 1)[-1]


def load_lock(path: Path) -> list[Package]:
    """Read and check the lock file; every rule broken is an AssetError naming the package."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AssetError(f"cannot read {path.name}: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("packages"), list):
        raise AssetError(f"{path.name}: expected an object with a 'packages' list")
    packages = [_package(entry) for entry in data["packages"]]
    names = [p.name for p in packages]
    if len(set(names)) != len(names):
        raise AssetError(f"{path.name}: a package is listed twice")
    dests = [d for p in packages for d in p.files.values()]
    if len(set(dests)) != len(dests):
        raise AssetError(f"{path.name}: two files are installed to the same place")
    return packages


def _package(entry: object) -> Package:
    if not isinstance(entry, dict):
        raise AssetError("lock: each package must be an object")
    name = entry.get("name")
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        raise AssetError(f"lock: bad package name {name!r}")
    version, tarball, integrity, files = (entry.get(k) for k in ("version", "tarball", "integrity", "files"))
    if not isinstance(version, str) or not VERSION_RE.fullmatch(version):
        raise AssetError(f"lock: {name}: version must be exact (like 6.1.0), not {version!r}")
    basename = name.rsplit("/", 1)[-1]
    if tarball != f"{REGISTRY}{name}/-/{basename}-{version}.tgz":
        raise AssetError(f"lock: {name}: tarball must be {REGISTRY}{name}/-/{basename}-{version}.tgz")
    if not isinstance(integrity, str):
        raise AssetError(f"lock: {name}: integrity missing")
    sha512_digest(integrity)  # raises on anything but a well-formed sha512
    if not isinstance(files, dict) or not files:
        raise AssetError(f"lock: {name}: 'files' must map tarball members to destinations")
    for member, dest in files.items():
        if not isinstance(dest, str):
            raise AssetError(f"lock: {name}: destination of {member} must be a string")
        safe_member(member)
        destination_dir(dest)
    return Package(name, version, tarball, integrity, dict(files))


def sha512_digest(integrity: str) -> bytes:
    """The digest of an npm `integrity` string ("sha512-<base64>"); other algorithms are refused."""
    algorithm, _, encoded = integrity.partition("-")
    if algorithm != "sha512":
        raise AssetError(f"integrity must be sha512, not {algorithm or integrity!r}")
    try:
        digest = base64.b64decode(encoded, validate=True)
    except ValueError:
        raise AssetError("integrity is not valid base64") from None
    if len(digest) != hashlib.sha512().digest_size:
        raise AssetError("integrity is not a sha512 digest")
    return digest


def check_integrity(data: bytes, package: Package) -> None:
    """Refuse a tarball whose sha512 is not the one the lock pins."""
    if not hmac.compare_digest(hashlib.sha512(data).digest(), sha512_digest(package.integrity)):
        raise AssetError(f"{package.tarball_name}: sha512 does not match the lock's integrity; refusing to install it")


def safe_member(member: str) -> str:
    """A tarball member name the lock may ask for: relative, under package/, no '..'."""
    path = PurePosixPath(member)
    if path.is_absolute() or ".." in path.parts or path.parts[:1] != ("package",) or str(path) != member:
        raise AssetError(f"lock: tarball member {member!r} must be a plain path under package/")
    return member


def destination_dir(dest: str) -> str:
    """The one of DEST_DIRS a destination the lock may name lies below, as a plain relative path."""
    path = PurePosixPath(dest)
    if not path.is_absolute() and ".." not in path.parts and str(path) == dest:
        for directory in DEST_DIRS:
            if path.is_relative_to(directory) and path != PurePosixPath(directory):
                return directory
    raise AssetError(f"destination {dest!r} is not a file under {' or '.join(d + '/' for d in DEST_DIRS)}")


def safe_destination(root: Path, dest: str) -> Path:
    """The absolute path for a destination; also refused when a symlink on the way leads out of its directory."""
    directory = destination_dir(dest)
    target = (root / dest).resolve()
    if not target.is_relative_to((root / directory).resolve()):
        raise AssetError(f"destination {dest!r} leads outside {directory}/")
    return target


def read_members(data: bytes, package: Package) -> dict[str, bytes]:
    """The listed files of a verified tarball, by destination. Only regular files, nothing written yet."""
    contents: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            for member_name, dest in package.files.items():
                try:
                    member = archive.getmember(member_name)
                except KeyError:
                    raise AssetError(f"{package.tarball_name} has no {member_name}") from None
                if not member.isreg():
                    raise AssetError(f"{package.tarball_name}: {member_name} is not a regular file")
                if member.size > MAX_FILE_BYTES:
                    raise AssetError(f"{package.tarball_name}: {member_name} is larger than {MAX_FILE_BYTES} bytes")
                extracted = archive.extractfile(member)
                if extracted is None:
                    raise AssetError(f"{package.tarball_name}: cannot read {member_name}")
                contents[dest] = extracted.read()
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise AssetError(f"{package.tarball_name} is not a readable .tgz: {exc}") from None
    return contents


def write_files(root: Path, contents: dict[str, bytes]) -> dict[str, str]:
    """Write each file atomically inside its directory; answer the sha256 of each, by destination."""
    written: dict[str, str] = {}
    for dest, content in contents.items():
        target = safe_destination(root, dest)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        partial.write_bytes(content)
        partial.replace(target)
        written[dest] = hashlib.sha256(content).hexdigest()
    return written


def sha256_of(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def read_stamp(root: Path) -> dict[str, object]:
    """What the last run installed, by package name; empty when missing or unreadable (then all is reinstalled)."""
    try:
        stamp = json.loads((root / VENDOR_DIR / STAMP_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stamp if isinstance(stamp, dict) else {}


def write_stamp(root: Path, stamp: dict[str, object]) -> None:
    path = root / VENDOR_DIR / STAMP_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(stamp, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def is_installed(root: Path, package: Package, stamp: dict[str, object]) -> bool:
    """True when the stamp records this exact package and every file is on disk with the recorded sha256."""
    entry = stamp.get(package.name)
    if not isinstance(entry, dict) or entry.get("integrity") != package.integrity:
        return False
    recorded = entry.get("files")
    if not isinstance(recorded, dict) or set(recorded) != set(package.files.values()):
        return False
    return all(sha256_of(safe_destination(root, dest)) == digest for dest, digest in recorded.items())


def cache_dir(root: Path, environ: Mapping[str, str]) -> Path | None:
    """Where tarballs come from instead of the network: BIANMIN_ASSETS_DIR, else vendor-cache/ if it exists."""
    configured = environ.get("BIANMIN_ASSETS_DIR")
    if configured:
        return Path(configured)
    default = root / CACHE_DIR
    return default if default.is_dir() else None


def fetch_tarball(package: Package, cache: Path | None) -> bytes:
    """The tarball's bytes, from the cache directory when there is one, else from the registry; not yet verified."""
    if cache is not None:
        path = cache / package.tarball_name
        try:
            return path.read_bytes()
        except OSError:
            raise AssetError(
                f"{package.tarball_name} not found in {cache} (offline install: copy it there from a machine "
                f"that ran `scripts/assets.py --download DIR`)"
            ) from None
    return download(package.tarball)


def download(url: str) -> bytes:
    if not url.startswith(REGISTRY):  # the lock is checked, but urlopen must never see file:// or the like
        raise AssetError(f"refusing to download {url}")
    request = urllib.request.Request(url, headers={"User-Agent": "bianmin-assets"})
    try:
        with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
            data: bytes = response.read(MAX_TARBALL_BYTES + 1)
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise AssetError(
            f"cannot download {url}: {reason} (offline? set BIANMIN_ASSETS_DIR to a directory holding the tarball)"
        ) from None
    if len(data) > MAX_TARBALL_BYTES:
        raise AssetError(f"{url} is larger than {MAX_TARBALL_BYTES} bytes")
    return data


def install(root: Path, packages: list[Package], cache: Path | None) -> list[Package]:
    """Bring DEST_DIRS in line with the lock; answer the packages that had to be (re)installed."""
    stamp = read_stamp(root)
    changed = []
    for package in packages:
        if is_installed(root, package, stamp):
            continue
        data = fetch_tarball(package, cache)
        check_integrity(data, package)  # before the archive is even opened
        files = write_files(root, read_members(data, package))
        remove_stale(root, stamp.get(package.name), keep=set(files))
        stamp[package.name] = {"version": package.version, "integrity": package.integrity, "files": files}
        write_stamp(root, stamp)
        changed.append(package)
    for name in set(stamp) - {p.name for p in packages}:  # dropped from the lock: remove its files too
        remove_stale(root, stamp.pop(name), keep=set())
        write_stamp(root, stamp)
    return changed


def remove_stale(root: Path, entry: object, keep: set[str]) -> None:
    """Delete files an earlier lock installed and the current one no longer lists."""
    recorded = entry.get("files") if isinstance(entry, dict) else None
    for dest in recorded if isinstance(recorded, dict) else {}:
        if dest not in keep:
            try:
                safe_destination(root, dest).unlink(missing_ok=True)
            except AssetError:
                continue  # a tampered stamp cannot make us delete anything outside DEST_DIRS


def download_all(packages: list[Package], into: Path) -> None:
    """Save each pinned tarball, verified, into a directory to carry to a machine without network."""
    into.mkdir(parents=True, exist_ok=True)
    for package in packages:
        data = download(package.tarball)
        check_integrity(data, package)
        (into / package.tarball_name).write_bytes(data)
        print(f"assets: saved {into / package.tarball_name}")


def main(argv: list[str] | None = None, root: Path = ROOT) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--download", metavar="DIR", type=Path, help="save the pinned tarballs into DIR and stop")
    args = parser.parse_args(argv)
    try:
        packages = load_lock(root / LOCK_FILE)
        if args.download:
            download_all(packages, args.download)
            return 0
        cache = cache_dir(root, os.environ)
        for package in install(root, packages, cache):
            source = cache if cache is not None else "the npm registry"
            print(f"assets: installed {package.name} {package.version} from {source}")
    except AssetError as exc:
        print(f"assets: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"assets: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
