"""``portique registry import TENANT KIND FILE``: the console's importers from the command line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from sqlalchemy import func, select

from core.audit.models import AuditEvent
from core.cli import main
from core.cli_registry import EXIT_ROW_ERRORS
from core.db.engine import Database
from core.testing import run_in_thread
from plugins.lumen_ecommerce.models import LumenCustomer
from plugins.luminus_energy.models import Tariff

LUMEN_HEADER = "number,name,status,address,city,postal_code,phone\n"
TARIFF_COLUMNS = ["code", "name", "energy", "unit_price", "fixed_monthly", "vat_rate"]


@pytest.fixture
def cli(portique_test_database, tmp_path, monkeypatch):
    """The CLI on the test database (SQLite or PostgreSQL), with a Lumen, a second Lumen and a Luminus tenant."""
    url = portique_test_database.fresh(tmp_path)
    monkeypatch.setenv("PORTIQUE_DATABASE_URL", url)
    monkeypatch.setenv("PORTIQUE_VAR_DIR", str(tmp_path / "var"))
    runner = CliRunner(mix_stderr=False) if "mix_stderr" in CliRunner.__init__.__code__.co_varnames else CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    for slug, plugin, locales in (
        ("lumen", "lumen_ecommerce", "fr_CA,en_CA"),
        ("other", "lumen_ecommerce", "fr_CA,en_CA"),
        ("luminus", "luminus_energy", "fr_BE,nl_BE"),
    ):
        added = invoke("tenants", "add", slug, "--name", slug.title(), "--plugins", plugin, "--locales", locales)
        assert added.exit_code == 0, added.output
    invoke.url = url  # type: ignore[attr-defined]
    return invoke


def _count(url: str, model, slug: str | None = None) -> int:
    async def body() -> int:
        database = Database(url)
        try:
            async with database.session() as db:
                query = select(func.count()).select_from(model)
                if slug is not None:
                    from core.tenancy.models import Tenant

                    tenant_id = await db.scalar(select(Tenant.id).where(Tenant.slug == slug))
                    query = query.where(model.tenant_id == tenant_id)
                return int(await db.scalar(query))
        finally:
            await database.dispose()

    return run_in_thread(body())


def _xlsx(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def test_dry_run_previews_and_writes_nothing_then_import_commits(cli, tmp_path):
    good = tmp_path / "customers.csv"
    good.write_text(LUMEN_HEADER + "100234,Quincaillerie A,active,1 rue,Laval,H7N 1A1,\n100235,B,inactive,,,,\n")
    dry = cli("registry", "import", "lumen", "customers", str(good), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "2 row(s), 0 error(s)" in dry.output
    assert "Quincaillerie A" in dry.output
    assert "dry run: nothing written" in dry.output
    assert _count(cli.url, LumenCustomer) == 0
    done = cli("registry", "import", "lumen", "customers", str(good))
    assert done.exit_code == 0, done.output
    assert "2 row(s) imported into lumen (customers)" in done.output
    assert _count(cli.url, LumenCustomer, "lumen") == 2
    # tenant isolation: the other Lumen tenant sees none of them
    assert _count(cli.url, LumenCustomer, "other") == 0
    assert _count(cli.url, AuditEvent) >= 1


def test_a_file_with_errors_lists_them_by_line_and_writes_nothing(cli, tmp_path):
    bad = tmp_path / "customers.csv"
    bad.write_text(LUMEN_HEADER + "100234,Good,active,,,,\nABC,,active,,,,\n100236,C,retired,,,H0H,\n")
    for extra in ((), ("--dry-run",)):
        result = cli("registry", "import", "lumen", "customers", str(bad), *extra)
        assert result.exit_code == EXIT_ROW_ERRORS
        errors = result.stderr if not extra else result.output
        assert "line 3 [number]" in errors
        assert "line 3 [name]" in errors
        assert "line 4 [status]" in errors
        assert "line 4 [postal_code]" in errors
        assert "line 2" not in errors
    assert _count(cli.url, LumenCustomer) == 0  # all or nothing: the good row was not written either


def test_errors_come_in_the_tenants_language_or_the_one_asked(cli, tmp_path):
    bad = tmp_path / "customers.csv"
    bad.write_text(LUMEN_HEADER + "ABC,Name,active,,,,\n")
    french = cli("registry", "import", "lumen", "customers", str(bad), "--dry-run")
    english = cli("registry", "import", "lumen", "customers", str(bad), "--dry-run", "--locale", "en_CA")
    assert "A customer number has 4 to 10 digits." in english.output
    assert "A customer number has 4 to 10 digits." not in french.output
    missing = tmp_path / "short.csv"
    missing.write_text("number\n1\n")
    assert "line 1 [name]" in cli("registry", "import", "lumen", "customers", str(missing), "--dry-run").output


def test_xlsx_file_for_another_provider_with_a_progress_bar(cli, tmp_path):
    rows = [[f"T{i:04d}", f"Tariff {i}", "electricity", 0.25, 5, 21] for i in range(600)]
    book = _xlsx(tmp_path / "tariffs.xlsx", TARIFF_COLUMNS, rows)
    dry = cli("registry", "import", "luminus", "tariffs", str(book), "--dry-run")
    assert "600 row(s), 0 error(s)" in dry.output, dry.output
    done = cli("registry", "import", "luminus", "tariffs", str(book))
    assert done.exit_code == 0, done.output
    assert "600 row(s) imported into luminus (tariffs)" in done.output
    assert "writing" in done.stderr
    assert _count(cli.url, Tariff, "luminus") == 600
    broken = _xlsx(tmp_path / "broken.xlsx", TARIFF_COLUMNS, [["T9", "x", "steam", "cheap", 5, 21]])
    refused = cli("registry", "import", "luminus", "tariffs", str(broken))
    assert refused.exit_code == EXIT_ROW_ERRORS
    assert "line 2 [energy]" in refused.stderr
    assert "line 2 [unit_price]" in refused.stderr
    assert _count(cli.url, Tariff, "luminus") == 600


def test_unknown_tenant_importer_or_an_importer_of_another_tenants_plugin(cli, tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("code,name,energy,unit_price,fixed_monthly,vat_rate\nT1,x,gas,1,1,21\n")
    nobody = cli("registry", "import", "nobody", "tariffs", str(path))
    assert nobody.exit_code == 1
    assert "no tenant 'nobody'" in nobody.stderr
    # Lumen's tenant has no Luminus importer: the file cannot reach another provider's tables
    foreign = cli("registry", "import", "lumen", "tariffs", str(path))
    assert foreign.exit_code == 1
    assert "has no importer 'tariffs'; known: customers, products" in foreign.stderr
    assert _count(cli.url, Tariff) == 0


def test_a_zip_that_is_no_spreadsheet_is_one_clear_error(cli, tmp_path):
    fake = tmp_path / "customers.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really a workbook")
    result = cli("registry", "import", "lumen", "customers", str(fake), "--locale", "en_CA")
    assert result.exit_code == EXIT_ROW_ERRORS
    assert "line 1: The file is not a readable spreadsheet." in result.stderr
