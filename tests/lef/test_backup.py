"""deploy/backup/backup.sh makes a backup that restores to the same rows.

Against the test database: the script dumps it with the pg_dump of the
server's own major version and encrypts the dump and the uploads to a public
key; the test decrypts them with the private key, restores the dump into a new
database with pg_restore and compares every table's row count and a checksum
of the members' and organisations' rows.
"""

import os
import subprocess
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from tests.factories import MemberFactory, OrganisationFactory

ROOT = Path(__file__).resolve().parent.parent.parent
BACKUP = ROOT / "deploy" / "backup" / "backup.sh"


def pg_bin(major: int) -> Path:
    """The folder of pg_dump and pg_restore of the server's major version."""
    import pgserver  # noqa: PLC0415 (development package: the embedded server's binaries)

    candidates = [
        Path(pgserver.__file__).parent / "pginstall" / "bin",
        Path(f"/usr/lib/postgresql/{major}/bin"),
    ]
    for folder in candidates:
        version = subprocess.run(  # noqa: S603 (a binary of a known folder)
            [folder / "pg_dump", "--version"], capture_output=True, text=True, check=False
        ).stdout
        if version.split()[-1].split(".")[0] == str(major):
            return folder
    pytest.fail(f"no pg_dump {major} in {candidates}")


def run(*args, text: bool = True, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=text, check=True, **kwargs)  # noqa: S603


def table_counts_and_checksums(conninfo: dict) -> tuple[dict, dict]:
    with psycopg.connect(**conninfo) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        counts = {
            table: conn.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for table in tables
        }
        checksums = {
            table: conn.execute(
                sql.SQL("SELECT md5(string_agg(t::text, '|' ORDER BY t.id)) FROM {} t").format(
                    sql.Identifier(table)
                )
            ).fetchone()[0]
            for table in ["members_user", "members_organisation"]
        }
    return counts, checksums


@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_a_fresh_database_with_the_same_rows(tmp_path):
    organisation = OrganisationFactory()
    MemberFactory.create_batch(3, profile__organisation=organisation)
    params = connection.get_connection_params()
    conninfo = {"host": params["host"], "port": params.get("port") or 5432}
    conninfo |= {"user": params["user"], "dbname": connection.settings_dict["NAME"]}
    major = connection.pg_version // 10000
    bin_folder = pg_bin(major)

    # A key pair: the script sees only the public key, as on the server.
    gnupg = tmp_path / "gnupg"
    gnupg.mkdir(mode=0o700)
    gpg_env = {**os.environ, "GNUPGHOME": str(gnupg)}
    run("gpg", "--batch", "--passphrase", "", "--quick-gen-key", "backup-test", "default",
        "default", "never", env=gpg_env)  # fmt: skip
    public_key = tmp_path / "backup-key.asc"
    public_key.write_text(run("gpg", "--armor", "--export", "backup-test", env=gpg_env).stdout)
    media = tmp_path / "media"
    (media / "avatars").mkdir(parents=True)
    (media / "avatars" / "a.webp").write_bytes(b"RIFF-not-really-an-image")
    url = (
        f"postgresql:///{quote(conninfo['dbname'])}?host={quote(conninfo['host'])}"
        f"&port={conninfo['port']}&user={quote(conninfo['user'])}"
    )

    result = run(
        "/bin/sh",
        BACKUP,
        env={
            "PATH": os.environ["PATH"],
            "PG_BIN": str(bin_folder),
            "DATABASE_URL": url,
            "BACKUP_PUBLIC_KEY": str(public_key),
            "BACKUP_DIR": str(tmp_path / "backups"),
            "MEDIA_DIR": str(media),
        },
    )

    backup = Path(result.stdout.strip())
    assert sorted(p.name for p in backup.iterdir()) == ["database.dump.gpg", "media.tar.gz.gpg"]
    assert backup.parent.parent / "monthly" / backup.name in (tmp_path / "backups").glob("*/*")
    dump = tmp_path / "database.dump"
    run("gpg", "--batch", "--output", dump, "--decrypt", backup / "database.dump.gpg", env=gpg_env)
    media_tar = run(
        "gpg", "--batch", "--decrypt", backup / "media.tar.gz.gpg", env=gpg_env, text=False
    )
    restored_media = tmp_path / "restored-media"
    restored_media.mkdir()
    subprocess.run(  # noqa: S603
        ["/bin/tar", "--extract", "--gzip", "--directory", restored_media],
        input=media_tar.stdout,
        check=True,
    )
    assert (restored_media / "avatars" / "a.webp").read_bytes() == b"RIFF-not-really-an-image"

    restored = {**conninfo, "dbname": f"{conninfo['dbname']}_restored"}
    with psycopg.connect(**{**conninfo, "dbname": "postgres"}, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(restored["dbname"])))
    try:
        run(
            bin_folder / "pg_restore",
            "--no-owner",
            "--exit-on-error",
            "--host", conninfo["host"], "--port", str(conninfo["port"]),
            "--username", conninfo["user"], "--dbname", restored["dbname"],
            dump,
        )  # fmt: skip

        original = table_counts_and_checksums(conninfo)
        copy = table_counts_and_checksums(restored)
    finally:
        with psycopg.connect(**{**conninfo, "dbname": "postgres"}, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(restored["dbname"]))
            )

    assert copy == original
    assert original[0]["members_user"] == 3
    assert original[0]["members_organisation"] == 1
    assert len(original[0]) > 30
