"""Exclusive content: My devices, software updates, library search and downloads, topics, dashboard."""

from __future__ import annotations

import re

from markupsafe import escape
from sqlalchemy import delete, func, or_, select

from core.api import ApprovalRequest, ApprovalStatus, create_user, resolve, utcnow
from core.testing import csrf_of, mail_text
from plugins.omicron_registration.demo import create_demo_data
from plugins.omicron_registration.models import (
    ClaimedDevice,
    Device,
    Document,
    Event,
    SoftwareUpdate,
    UserInterest,
)

from .conftest import PASSWORD, sign_in


async def _customer(db, email: str, username: str, company: str, serial: str | None, country: str = "AT") -> int:
    from plugins.omicron_registration.backend import LocalBackend

    user = await create_user(
        db,
        email=email,
        password=PASSWORD,
        username=username,
        status="active",
        company=company,
        plugin_data={"omicron_registration": {"country": country}},
    )
    user.confirmed_at = utcnow()
    if serial:
        assert await LocalBackend().claim(db, serial, user.id, company)
    await db.commit()
    return user.id


async def _demo(portal, omicron):
    async with portal.database.session(omicron.id) as db:
        await create_demo_data(omicron, db)
        await db.commit()
        owner = await _customer(db, "owner@acme.example", "owner", "Acme GmbH", "CD456Y")  # a CMC device
        await _customer(db, "nodevice@acme.example", "nodevice", "Acme GmbH", None)
        cmc_update = await db.scalar(select(SoftwareUpdate.id).where(SoftwareUpdate.family == "cmc").limit(1))
        cpc_update = await db.scalar(select(SoftwareUpdate.id).where(SoftwareUpdate.family == "cpc").limit(1))
        cmc_doc = await db.scalar(select(Document.id).where(Document.family == "cmc").limit(1))
        cpc_doc = await db.scalar(select(Document.id).where(Document.family == "cpc").limit(1))
    return owner, cmc_update, cpc_update, cmc_doc, cpc_doc


async def test_updates_and_documents_are_downloaded_only_by_owners(portal, omicron, tenant_client):
    _, cmc_update, cpc_update, cmc_doc, cpc_doc = await _demo(portal, omicron)
    owner = tenant_client(omicron)
    await sign_in(owner, "owner")
    ok = await owner.get(f"/omicron/updates/{cmc_update}/download")
    assert ok.status_code == 200
    assert ok.headers["content-type"] == "application/octet-stream"
    assert len(ok.content) == 4096
    assert (await owner.get(f"/omicron/library/{cmc_doc}/download")).status_code == 200
    # another family's files: refused even by direct URL
    assert (await owner.get(f"/omicron/updates/{cpc_update}/download")).status_code == 403
    assert (await owner.get(f"/omicron/library/{cpc_doc}/download")).status_code == 403
    # a customer without devices
    stranger = tenant_client(omicron)
    await sign_in(stranger, "nodevice")
    assert (await stranger.get(f"/omicron/updates/{cmc_update}/download")).status_code == 403
    assert (await stranger.get(f"/omicron/library/{cmc_doc}/download")).status_code == 403
    # signed-out visitors are sent to the sign-in page, without the file
    visitor = tenant_client(omicron)
    for path in (f"/omicron/updates/{cmc_update}/download", f"/omicron/library/{cmc_doc}/download"):
        response = await visitor.get(path)
        assert response.status_code == 303
        assert "/login?next=" in response.headers["location"]
        assert not response.content


async def test_downloads_of_another_tenant_are_not_found(portal, omicron, make_tenant, tenant_client):
    _, cmc_update, _, cmc_doc, _ = await _demo(portal, omicron)
    other = await make_tenant("omiother", plugins=["omicron_registration"])
    async with portal.database.session(other.id) as db:
        db.add(Device(serial_number="CD456Y", product="CMC 356", family="cmc"))
        await db.commit()
        await _customer(db, "owner@acme.example", "owner", "Acme GmbH", "CD456Y")
    client = tenant_client(other)
    await sign_in(client, "owner")
    assert (await client.get(f"/omicron/updates/{cmc_update}/download")).status_code == 404
    assert (await client.get(f"/omicron/library/{cmc_doc}/download")).status_code == 404


async def test_updates_page_lists_only_owned_families(portal, omicron, tenant_client):
    await _demo(portal, omicron)
    client = tenant_client(omicron)
    visitor = await client.get("/omicron/updates")
    assert "/register" in visitor.text
    assert "CMC 356" not in visitor.text
    await sign_in(client, "owner")
    page = await client.get("/omicron/updates")
    assert "CMC_356_5.00.zip" in page.text
    assert "CPC_100" not in page.text


async def test_library_search_filters_and_pagination(portal, omicron, tenant_client):
    await _demo(portal, omicron)
    client = tenant_client(omicron)
    everything = await client.get("/omicron/library")
    assert "Documents found: 2,400" in everything.text
    assert "Page 1 of 120" in everything.text
    filtered = await client.get("/omicron/library?family=cmc&language=de&type=manual")
    assert filtered.status_code == 200
    async with portal.database.session(omicron.id) as db:
        from sqlalchemy import func

        expected = await db.scalar(
            select(func.count())
            .select_from(Document)
            .where(Document.family == "cmc", Document.language == "de", Document.doc_type == "manual")
        )
    assert f"Documents found: {expected}<" in filtered.text
    assert "CPC 100" not in filtered.text
    second = await client.get("/omicron/library?q=transformers&page=2")
    assert "Page 2 of" in second.text
    assert 'rel="prev"' in second.text
    none = await client.get("/omicron/library?q=%25%25nothing_like_this")
    assert "No document matches your search." in none.text
    junk = await client.get("/omicron/library?family=<script>&page=abc")
    assert junk.status_code == 200
    assert "<script>" not in junk.text


async def test_visitor_sees_the_library_and_an_invitation_but_no_download_links(portal, omicron, tenant_client):
    await _demo(portal, omicron)
    page = await tenant_client(omicron).get("/omicron/library")
    assert "Register now" in page.text
    assert "/download" not in page.text


async def test_adding_a_known_device_claims_it_and_an_unknown_one_waits_for_the_operator(
    portal, omicron, tenant_client, mailbox
):
    await _demo(portal, omicron)
    client = tenant_client(omicron)
    await sign_in(client, "nodevice")
    page = await client.get("/omicron/devices")
    added = await client.post(
        "/omicron/devices", data={"serial_number": "cd 456 y", "csrf_token": csrf_of(page.text)}, follow_redirects=True
    )
    assert "CD456Y" in added.text  # owned by a colleague of the same company: automatic
    assert "CMC 356" in added.text
    pending = await client.post(
        "/omicron/devices", data={"serial_number": "ZZ999Z", "csrf_token": csrf_of(page.text)}, follow_redirects=True
    )
    assert "OMICRON is checking this device" in pending.text
    foreign = await client.post(
        "/omicron/devices", data={"serial_number": "AB123Z", "csrf_token": csrf_of(page.text)}, follow_redirects=True
    )
    assert "could not verify AB123Z automatically" in foreign.text  # registered by another company
    bad = await client.post("/omicron/devices", data={"serial_number": "12", "csrf_token": csrf_of(page.text)})
    assert "two letters, three digits and one letter" in bad.text
    again = await client.post("/omicron/devices", data={"serial_number": "CD456Y", "csrf_token": csrf_of(page.text)})
    assert "already in your list" in again.text
    async with portal.database.session(omicron.id) as db:
        approval = await db.scalar(select(ApprovalRequest).where(ApprovalRequest.kind == "device_claim"))
        assert approval.payload["serial"] == "ZZ999Z"
        # the operator approves a device that has meanwhile entered the registry
        db.add(Device(serial_number="ZZ999Z", product="MPD 800", family="mpd"))
        approval.status = ApprovalStatus.APPROVED
        await db.flush()
        await resolve(portal.hooks(omicron).portique_approval_decided(tenant=omicron, approval=approval, db=db))
        await db.commit()
        serials = set(
            await db.scalars(select(Device.serial_number).join(ClaimedDevice, ClaimedDevice.device_id == Device.id))
        )
    assert {"CD456Y", "ZZ999Z"} <= serials
    mail = mail_text(await mailbox.last("nodevice@acme.example"))
    assert "ZZ999Z" in mail
    assert "now in your list of devices" in mail


async def test_chosen_topics_drive_the_dashboard(portal, omicron, tenant_client):
    await _demo(portal, omicron)
    client = tenant_client(omicron)
    await sign_in(client, "nodevice")
    empty = await client.get("/")
    assert "Choose my topics" in empty.text
    page = await client.get("/omicron/interests")
    await client.post(
        "/omicron/interests",
        data={"family": ["franeo"], "topic": ["cables", "bogus"], "csrf_token": csrf_of(page.text)},
    )
    dashboard = await client.get("/")
    assert "Documents for you" in dashboard.text
    assert "FRANEO 800" in dashboard.text
    assert "Events and trainings in your region" in dashboard.text
    chosen = await client.get("/omicron/interests")
    assert 'id="family-franeo" name="family" value="franeo" checked' in chosen.text


async def test_the_dashboard_shows_the_newest_matches_of_each_kind(portal, omicron, tenant_client):
    owner, *_ = await _demo(portal, omicron)
    async with portal.database.session(omicron.id) as db:
        db.add_all(
            [
                UserInterest(user_id=owner, kind="family", code="franeo"),
                UserInterest(user_id=owner, kind="topic", code="cables"),
            ]
        )
        await db.commit()
        chosen = or_(Document.family == "franeo", Document.topic == "cables")
        newest = (Document.published_on.desc(), Document.id.desc())
        reading = ("manual", "application_note", "paper")

        def english_first(found, limit):  # the reader's language first, then the others, newest first
            found = list(found)
            return ([d for d in found if d.language == "en"] + [d for d in found if d.language != "en"])[:limit]

        documents = english_first(
            await db.scalars(select(Document).where(chosen, Document.doc_type.in_(reading)).order_by(*newest)), 5
        )
        media = english_first(
            await db.scalars(
                select(Document).where(chosen, Document.doc_type.in_(("video", "article"))).order_by(*newest)
            ),
            4,
        )
        assert {d.language for d in documents} == {"en"}  # enough English documents for the reader
        expected = [[str(escape(d.title)) for d in documents], [str(escape(d.title)) for d in media]]
        updates = await db.scalars(
            select(SoftwareUpdate).where(SoftwareUpdate.family == "cmc").order_by(SoftwareUpdate.released_on.desc())
        )
        events = await db.scalars(
            select(Event)
            .where(Event.country == "AT", Event.starts_on >= utcnow().date())
            .order_by(Event.starts_on)
            .limit(4)
        )
        expected_updates = [f"{u.product} {u.version}</a> (" for u in updates]
        expected_events = [str(escape(e.title)) for e in events]
    client = tenant_client(omicron)
    await sign_in(client, "owner")
    page = (await client.get("/")).text
    lists = re.findall(r'<ul class="omicron-doc-list"[^>]*>(.*?)</ul>', page)
    assert [
        re.findall(r'<li><a href="[^"]*/omicron/library/\d+" lang="[^"]*">(.*?)</a>', found) for found in lists
    ] == expected
    assert [len(found) for found in expected] == [5, 4]
    assert (len(expected_updates), len(expected_events)) == (3, 4)

    def in_order(items: list[str]) -> bool:
        places = [page.index(item) for item in items]
        return places == sorted(places)

    assert in_order(expected_updates)
    assert in_order(expected_events)


async def test_updates_page_with_a_family_without_updates_and_two_devices_of_a_family(portal, omicron, tenant_client):
    from plugins.omicron_registration.backend import LocalBackend

    owner, *_ = await _demo(portal, omicron)
    async with portal.database.session(omicron.id) as db:
        db.add_all(
            [
                Device(serial_number="ZY111A", product="CMC 430", family="cmc"),
                Device(serial_number="ZY222B", product="Nothing 1", family="none"),
            ]
        )
        await db.commit()
        assert await LocalBackend().claim(db, "ZY111A", owner, "Acme GmbH")
        assert await LocalBackend().claim(db, "ZY222B", owner, "Acme GmbH")
        await db.commit()
    client = tenant_client(omicron)
    await sign_in(client, "owner")
    page = (await client.get("/omicron/updates")).text
    assert page.count("CMC_356_5.00.zip") == 1  # once, though two CMC devices are registered
    assert page.index("CMC_356_5.00.zip") < page.index("CMC_356_4.20.zip") < page.index("CMC_356_4.10.zip")
    async with portal.database.session(omicron.id) as db:
        await db.execute(
            delete(ClaimedDevice).where(
                ClaimedDevice.user_id == owner,
                ClaimedDevice.device_id != select(Device.id).where(Device.serial_number == "ZY222B").scalar_subquery(),
            )
        )
        await db.commit()
    only_without_updates = (await client.get("/omicron/updates")).text
    assert "Free updates for the product families you own" in only_without_updates  # the table, with no update
    assert ".zip" not in only_without_updates


async def test_a_library_page_past_the_last_one_still_counts_the_matches(portal, omicron, tenant_client):
    await _demo(portal, omicron)
    client = tenant_client(omicron)
    past = (await client.get("/omicron/library?page=500")).text
    assert "Documents found: 2,400" in past
    assert "No document matches your search." in past
    assert "Page 500 of 120" in past
    first = (await client.get("/omicron/library?q=transformers")).text
    found = re.search(r"Documents found: [0-9,]+<", first).group()
    assert found != "Documents found: 0<"
    words = (await client.get("/omicron/library?q=transformers&page=10000")).text
    assert "No document matches your search." in words
    assert found in words


async def test_content_pages_need_a_signed_in_user(omicron, tenant_client):
    client = tenant_client(omicron)
    for path in ("/omicron/devices", "/omicron/interests"):
        response = await client.get(path)
        assert response.status_code == 303
        assert "/login" in response.headers["location"]


async def test_customer_care_categories_are_open_to_visitors(portal, omicron, tenant_client):
    categories = portal.categories(omicron)
    codes = [c.code for c in categories]
    assert codes[:6] == [
        "omicron_no_confirmation",
        "omicron_link_broken",
        "omicron_not_approved",
        "omicron_forgot_login",
        "omicron_no_email_access",
        "omicron_no_reset_mail",
    ]
    assert all(c.anonymous for c in categories if c.code.startswith("omicron_"))
    no_email = next(c for c in categories if c.code == "omicron_no_email_access")
    assert {f.name for f in no_email.fields} == {"username_or_email", "new_email"}
    page = await tenant_client(omicron).get("/support")
    assert page.status_code == 200
    assert "I did not receive the confirmation e-mail" in page.text


async def test_adding_devices_is_throttled_against_registry_probing(portal, omicron, tenant_client):
    await _demo(portal, omicron)
    client = tenant_client(omicron)
    await sign_in(client, "nodevice")
    token = csrf_of((await client.get("/omicron/devices")).text)
    for i in range(10):
        await client.post("/omicron/devices", data={"serial_number": f"ZZ{i:03d}Q", "csrf_token": token})
    refused = await client.post("/omicron/devices", data={"serial_number": "ZZ777Q", "csrf_token": token})
    assert "Please try again later" in refused.text
    async with portal.database.session(omicron.id) as db:
        count = len((await db.scalars(select(ApprovalRequest).where(ApprovalRequest.kind == "device_claim"))).all())
    assert count == 10


async def test_library_words_match_prefixes_and_combine_with_filters(portal, omicron):
    from plugins.omicron_registration.importers import ensure_documents
    from plugins.omicron_registration.library import LibraryQuery, search_documents

    async with portal.database.session(omicron.id) as db:
        await ensure_documents(db, omicron.id, 600)
        await db.commit()
        documents, total = await search_documents(db, LibraryQuery.from_params({"q": "CPC guid"}), omicron.id)
        assert total > 0
        assert all("cpc" in d.title.lower() and "guide" in d.title.lower() for d in documents)
        expected = await db.scalar(
            select(func.count())
            .select_from(Document)
            .where(Document.search_text.like("%cpc%"), Document.search_text.like("%guide%"))
        )
        assert total == expected
        page2, total2 = await search_documents(
            db, LibraryQuery.from_params({"q": "transformers", "language": "en"}), omicron.id
        )
        assert total2 >= len(page2) > 1
        assert all(d.language == "en" for d in page2)
        dates = [d.published_on for d in page2]
        assert dates == sorted(dates, reverse=True)
        assert (await search_documents(db, LibraryQuery.from_params({"q": "!!"}), omicron.id)) == ([], 0)


async def test_visitor_without_access_to_the_old_mailbox_opens_a_customer_care_ticket(omicron, tenant_client):
    client = tenant_client(omicron)
    page = await client.get("/support/new/omicron_no_email_access")
    assert page.status_code == 200
    assert "Your new e-mail address" in page.text
    data = {
        "csrf_token": csrf_of(page.text),
        "name": "Eva Muster",
        "email": "eva.new@acme.example",
        "subject": "New e-mail address",
        "description": "My old mailbox was closed when I changed jobs.",
        "f_username_or_email": "evamuster",
        "f_new_email": "not-an-address",
    }
    refused = await client.post("/support/new/omicron_no_email_access", data=data)
    assert refused.status_code == 400  # the new address is checked next to its field
    assert 'value="evamuster"' in refused.text
    data["f_new_email"] = "eva.new@acme.example"
    sent = await client.post("/support/new/omicron_no_email_access", data={**data, "csrf_token": csrf_of(refused.text)})
    assert sent.status_code == 303
    assert sent.headers["location"].endswith("/support/sent")


async def test_a_refused_device_is_not_added_and_the_customer_is_told_why(portal, omicron, tenant_client, mailbox):
    await _demo(portal, omicron)
    client = tenant_client(omicron)
    await sign_in(client, "nodevice")
    token = csrf_of((await client.get("/omicron/devices")).text)
    await client.post("/omicron/devices", data={"serial_number": "EF789X", "csrf_token": token})
    async with portal.database.session(omicron.id) as db:
        approval = await db.scalar(select(ApprovalRequest).where(ApprovalRequest.kind == "device_claim"))
        approval.status = ApprovalStatus.REJECTED
        approval.reason = "This device belongs to Réseau Exemple SA."
        await db.flush()
        await resolve(portal.hooks(omicron).portique_approval_decided(tenant=omicron, approval=approval, db=db))
        await db.commit()
        claimed = await db.scalar(
            select(ClaimedDevice.id)
            .join(Device, Device.id == ClaimedDevice.device_id)
            .where(Device.serial_number == "EF789X")
        )
    assert claimed is None
    mail = mail_text(await mailbox.last("nodevice@acme.example"))
    assert "could not verify the device EF789X" in mail
    assert "Réseau Exemple SA" in mail


async def test_pages_speak_german(portal, omicron, tenant_client):
    await _demo(portal, omicron)
    client = tenant_client(omicron)
    await client.get("/locale/de?next=/")
    library = await client.get("/omicron/library?family=cmc")
    assert 'lang="de"' in library.text
    assert "Technische Bibliothek" in library.text
    assert "Gefundene Dokumente" in library.text
    assert "Kundenbereich" in library.text
    assert "Jetzt registrieren" in library.text
    await sign_in(client, "owner")
    dashboard = await client.get("/")
    assert "Ihre persönliche Übersicht" in dashboard.text
    devices = await client.get("/omicron/devices")
    assert "Meine Geräte" in devices.text
    assert "Seriennummer eines Ihrer Geräte" in devices.text
