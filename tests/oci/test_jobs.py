"""Identity-domain CSV jobs and EPM's Add Users over HTTP, against the worker: an import
of a few hundred rows (formula cells, quoted cells, both hash formats, Federated and
ByPass Notification, one invalid row that fails alone, reported by row), export through a
job and re-import, Groups.csv and AppRoleMembership.csv jobs with their typed reports, a
100,001-row file refused with nothing created, the EPM flow with one
existing user, a job that finishes after a worker restart, and SCIM answered while a
large job runs.
"""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import threading
import time
import urllib.parse

import pytest
import requests

from conftest import new_domain
from csv_jobs import USER_REPORT, Epm, Jobs

FEDERATED = "urn:ietf:params:scim:schemas:oracle:idcs:extension:user:User"
BAD_ROW = 150


def ssha256(password: str, salt: bytes) -> str:
    digest = hashlib.sha256(password.encode() + salt).digest()
    return "{SSHA256}" + base64.b64encode(digest + salt).decode()


def user_name(i: int) -> str:
    return {0: f"=cmd{i}@x.io", 1: f"o'neil, {i}@x.io", 2: f"zoë{i}@x.io"}.get(i % 4, f"u{i}@x.io")


def cell(text: str) -> str:
    """A cell as a spreadsheet writes it: quoted when it holds a comma or a quote, and
    formula-looking text wrapped in single quotes."""
    if text[:1] in "@+-=|%":
        text = f"'{text}'"
    if any(c in text for c in ',"\r\n'):
        text = '"' + text.replace('"', '""') + '"'
    return text


def users_csv(rows: int, bad: int = 0) -> bytes:
    out = ["User Name,First Name,Last Name,Work Email,Title,Password,Active,Federated,ByPass Notification"]
    for i in range(1, rows + 1):
        password = {0: f"Clear {i}!", 1: ssha256(f"pw{i}", b"saltsalt")}.get(
            i % 3, f"{{PBKDF2-HMAC-SHA512}}10000:c2FsdHNhbHQ{i}"
        )
        out.append(",".join(cell(c) for c in [
            user_name(i), "Ann", "Ng, Jr.", f"u{i}@example.com", "-lead", password,
            "maybe" if i == bad else "TRUE", "TRUE" if i % 2 == 0 else "FALSE", "TRUE",
        ]))
    return ("\r\n".join(out) + "\r\n").encode()


def jobs_client(domain) -> Jobs:
    return Jobs(domain.url, domain.client_id, domain.client_secret)


def find_user(client: Jobs, name: str) -> dict:
    query = urllib.parse.urlencode({"filter": f'userName eq "{name}"'})
    found = client.call("GET", f"/admin/v1/Users?{query}").json()
    assert found["totalResults"] == 1, (name, found)
    return found["Resources"][0]


def test_an_import_job_reports_every_row_and_one_bad_row_fails_alone(domain):
    client = jobs_client(domain)
    file_name = client.upload("Users1.csv", users_csv(300, bad=BAD_ROW))
    assert file_name.startswith("files/") and file_name.endswith("/Users1.csv"), file_name
    resp = client.schedule("UserImport", fileLocation=file_name, fileType="csv")
    assert resp.status_code == 201, resp.text
    schedule = resp.json()
    assert schedule["jobType"] == "UserImport" and schedule["id"]
    history = client.wait(schedule["id"])
    assert history["status"] == "succeeded", history
    assert (history["totalCount"], history["successCount"], history["failureCount"]) == (300, 299, 1)
    assert history["percentage"] == 100 and history["startTime"] and history["endTime"]

    rows = client.reports(history["id"])
    assert len(rows) == 300
    failed = [r for r in rows if r["type"] == "Error"]
    assert [r["lineNumber"] for r in failed] == [BAD_ROW], failed
    assert "active" in failed[0]["message"], failed[0]
    ok = next(r for r in rows if r["lineNumber"] == 3)
    assert ok[USER_REPORT]["status"] == "Create Succeeded"
    assert ok[USER_REPORT]["email"] == "u3@example.com" and ok[USER_REPORT]["userId"]
    generic = client.call(
        "GET", "/job/v1/JobReports?" + urllib.parse.urlencode({"filter": f'historyId eq "{history["id"]}"'})
    ).json()
    assert generic["totalResults"] == 300

    # Formula quotes removed, quoted cells whole, Federated stored, ByPass never returned.
    formula = find_user(client, "=cmd4@x.io")
    assert formula["title"] == "-lead" and formula["name"]["familyName"] == "Ng, Jr."
    assert formula[FEDERATED]["isFederatedUser"] is True
    # Written as the app that scheduled the job, so its clean-up finds them.
    assert formula["idcsCreatedBy"]["value"] == client.my_app_id(), formula["idcsCreatedBy"]
    query = urllib.parse.urlencode({"filter": f'idcsCreatedBy.value eq "{client.my_app_id()}"', "count": 0})
    assert client.call("GET", f"/admin/v1/Users?{query}").json()["totalResults"] == 299
    assert find_user(client, "o'neil, 1@x.io")[FEDERATED]["isFederatedUser"] is False
    for user in (formula, find_user(client, "zoë2@x.io")):
        assert "password" not in user and "bypassNotification" not in user.get(FEDERATED, {})
    # The bad row created nothing.
    query = urllib.parse.urlencode({"filter": f'userName eq "{user_name(BAD_ROW)}"'})
    assert client.call("GET", f"/admin/v1/Users?{query}").json()["totalResults"] == 0
    # Both hash formats and a clear password sign in: a stored digest is kept as given,
    # checked here through the server's own export (passwords never leave through SCIM).
    exported = requests.get(
        f"{domain.url}/api/servers/{domain.id}/export", headers={"Authorization": f"Bearer {domain.token}"}
    ).text
    assert ssha256("pw4", b"saltsalt") in exported
    assert "{PBKDF2-HMAC-SHA512}10000:c2FsdHNhbHQ2" in exported
    assert "{PBKDF2-HMAC-SHA256}" in exported and "Clear 3!" not in exported


def test_an_export_job_reimports_to_the_same_users(http):
    source = new_domain(http)
    target = new_domain(http)
    try:
        client = jobs_client(source)
        client.run("UserImport", fileLocation=client.upload("Users.csv", users_csv(120)))
        history = client.run("UserExport", exportFormat="CSV")
        assert history["status"] == "succeeded" and history["successCount"] >= 120, history
        name = history["fileName"]
        assert name.startswith("files/export/") and name.endswith(f"Export_{history['id']}.csv"), name
        data = client.download(name.removeprefix("files/"))
        assert data.startswith(b"User Name,"), data[:80]
        assert b"'=cmd4@x.io'" in data and b"'-lead'" in data

        other = jobs_client(target)
        again = other.run("Import", resourceType="User", fileLocation=other.upload("Export.csv", data))
        assert again["failureCount"] == 0 and again["successCount"] >= 120, again

        def users(c: Jobs) -> dict:
            page = c.call("GET", "/admin/v1/Users?count=1000&sortBy=userName").json()
            return {u["userName"]: (u["name"], u.get("title"), u["emails"], u.get(FEDERATED, {}).get("isFederatedUser"))
                    for u in page["Resources"]}

        assert users(other) == users(client)
        # And the second server's export is the same file, row for row.
        back = other.run("UserExport")
        assert sorted(other.download(back["fileName"]).split(b"\r\n")) == sorted(data.split(b"\r\n"))
    finally:
        source.delete(http)
        target.delete(http)


def test_files_over_100000_rows_or_52_mb_are_refused_with_nothing_created(domain):
    client = jobs_client(domain)
    lines = ["User Name,First Name,Last Name,Work Email"] + [f"u{i},A,B,u{i}@x.io" for i in range(100_001)]
    name = client.upload("Big.csv", ("\r\n".join(lines) + "\r\n").encode())
    resp = client.schedule("UserImport", fileLocation=name)
    assert resp.status_code == 413, resp.text
    assert "100000" in resp.json()["detail"]
    assert client.call("GET", "/admin/v1/Users?count=0").json()["totalResults"] == 0
    assert client.call("GET", "/job/v1/JobHistories").json()["totalResults"] == 0
    # A file over 52 MB is refused at the upload: no file to run a job on.
    big = b"User Name,First Name,Last Name,Work Email\r\n" + b"x" * (52 * 2**20)
    resp = client.session.post(
        client.url + "/storage/v1/Files",
        data={"fileName": "Huge.csv", "contentType": "text/csv", "isPublic": "false"},
        files={"file": ("Huge.csv", big, "text/csv")},
    )
    assert resp.status_code == 413, resp.text[:300]


def test_epm_add_users_with_one_existing_user(domain):
    epm = domain.created["epm"]
    assert epm["url"] == domain.url and epm["user"] == f"{domain.id}.epm_admin", epm
    client = jobs_client(domain)
    client.call("POST", "/admin/v1/Users", {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "existing@x.io", "name": {"givenName": "Ex", "familyName": "Isting"},
        "emails": [{"value": "existing@x.io", "type": "work", "primary": True}],
    })
    before = find_user(client, "existing@x.io")

    e = Epm(epm["url"], epm["user"], epm["password"])
    data = b"First Name,Last Name,Email,User Login\r\n" + b"".join(
        f"F{i},L{i},e{i}@x.io,{login}\r\n".encode()
        for i, login in enumerate(["new1@x.io", "existing@x.io", "new2@x.io", "new3@x.io"])
    )
    e.upload("users.csv", data, chunk=50)
    started = e.add_users("users.csv")
    assert started["status"] == -1, started
    assert any(l["rel"] == "Job Status" for l in started["links"]), started
    done = e.wait(started)
    assert done == {**done, "status": 0, "details": "Processed - 4, Succeeded - 3, Failed - 1."}, done
    assert find_user(client, "existing@x.io") == before
    assert find_user(client, "new2@x.io")["name"]["givenName"] == "F2"

    missing = e.add_users("nope.csv")
    assert missing["status"] == 1
    assert missing["details"] == (
        "Failed to add users. File nope.csv is not found. Please provide a valid file name."
    )
    assert e.delete("users.csv").status_code == 200
    assert e.add_users("users.csv")["status"] == 1
    wrong = Epm(epm["url"], epm["user"], epm["password"] + "x")
    resp = requests.post(f"{epm['url']}/interop/rest/security/v1/users", data={"filename": "x"}, auth=wrong.auth)
    assert resp.status_code == 401
    # A token of the domain does not open EPM, and EPM's credential does not open /job/v1.
    resp = requests.get(f"{domain.url}/job/v1/JobHistories", auth=e.auth)
    assert resp.status_code == 401


def test_a_job_finishes_after_a_worker_restart(domain):
    restart = os.environ.get("SCIMLET_RESTART")
    if not restart:
        pytest.skip("needs SCIMLET_RESTART (run through scripts/with-worker.sh)")
    client = jobs_client(domain)
    resp = client.schedule("UserImport", fileLocation=client.upload("Users.csv", users_csv(10_000)))
    assert resp.status_code == 201, resp.text
    seen = client.history(resp.json()["id"])
    assert seen["status"] == "running", seen
    subprocess.run(restart, shell=True, check=True, capture_output=True)
    client = jobs_client(domain)  # a new token: the old one outlives a restart too, but scripts reconnect
    history = client.wait(resp.json()["id"])
    assert (history["status"], history["successCount"], history["failureCount"]) == ("succeeded", 10_000, 0), history
    assert client.call("GET", "/admin/v1/Users?count=0").json()["totalResults"] == 10_000
    assert len(client.reports(history["id"])) == 10_000


def test_scim_is_answered_while_a_large_job_runs(domain):
    client = jobs_client(domain)
    resp = client.schedule("UserImport", fileLocation=client.upload("Users.csv", users_csv(10_000)))
    assert resp.status_code == 201, resp.text
    schedule_id = resp.json()["id"]
    running = threading.Event()
    running.set()
    answered: list[tuple[float, int]] = []

    def reader() -> None:
        # Another client reading users the whole time: (seconds, users it saw).
        other = jobs_client(domain)
        while running.is_set():
            started = time.monotonic()
            page = other.call("GET", "/admin/v1/Users?count=1").json()
            answered.append((time.monotonic() - started, page["totalResults"]))

    thread = threading.Thread(target=reader)
    thread.start()
    progress = set()
    try:
        history = client.wait(
            schedule_id, on_poll=lambda h: h["status"] == "running" and progress.add(h["successCount"])
        )
    finally:
        running.clear()
        thread.join()
    assert history["successCount"] == 10_000, history
    # Progress was visible while it ran, and SCIM answered between its chunks, seeing the
    # users imported so far.
    assert any(0 < n < 10_000 for n in progress), progress
    partial = [t for t, n in answered if 0 < n < 10_000]
    assert len(partial) >= 2, answered
    print(f"\n    SCIM GET during a 10,000-row import: {len(partial)} answered while it ran, "
          f"slowest {max(partial) * 1000:.0f} ms")


def test_group_and_app_role_imports_report_per_row_and_groups_export(domain):
    client = jobs_client(domain)
    users = b"User Name,First Name,Last Name,Work Email\r\n" + b"".join(
        f"m{i}@x.io,M,{i},m{i}@x.io\r\n".encode() for i in range(1, 4)
    )
    assert client.run("UserImport", fileLocation=client.upload("Users.csv", users))["successCount"] == 3
    groups = (b"Name,User Members\r\n"
              b"Team A,m1@x.io;m2@x.io\r\n"
              b"Team B,m3@x.io;nobody@x.io\r\n"
              b"\"'=Ops, C'\",m3@x.io\r\n")
    history = client.run("GroupImport", fileLocation=client.upload("Groups.csv", groups))
    assert (history["successCount"], history["failureCount"]) == (2, 1), history
    rows = client.reports(history["id"], "GroupImportJobReports")
    assert [(r["lineNumber"], r["type"]) for r in rows] == [(1, "Success"), (2, "Error"), (3, "Success")]
    assert "nobody@x.io" in rows[1]["message"], rows[1]
    assert client.reports(history["id"], "UserImportJobReports") == []
    query = urllib.parse.urlencode({"filter": 'displayName eq "Team A"'})
    team = client.call("GET", f"/admin/v1/Groups?{query}").json()["Resources"][0]
    members = sorted(m["value"] for m in team["members"])
    assert members == sorted(find_user(client, f"m{i}@x.io")["id"] for i in (1, 2)), team

    # Grants of an app role to a user and a group, the app named by appDisplayName.
    app = client.call("POST", "/admin/v1/Apps", {
        "schemas": ["urn:ietf:params:scim:schemas:oracle:idcs:App"], "displayName": "Payroll",
        "basedOnTemplate": {"value": "CustomWebAppTemplateId"},
    }).json()
    role = client.call("POST", "/admin/v1/AppRoles", {
        "schemas": ["urn:ietf:params:scim:schemas:oracle:idcs:AppRole"], "displayName": "Payroll Viewer",
        "app": {"value": app["id"]},
    }).json()
    memberships = (b"Entitlement Value,Grantee Name,Grantee Type\r\n"
                   b"Payroll Viewer,m1@x.io,User\r\n"
                   b"Payroll Viewer,Team A,Group\r\n"
                   b"No Such Role,m2@x.io,User\r\n")
    history = client.run("AppRoleImport", appDisplayName="Payroll",
                         fileLocation=client.upload("AppRoleMembership.csv", memberships))
    assert (history["successCount"], history["failureCount"]) == (2, 1), history
    rows = client.reports(history["id"], "AppRoleImportJobReports")
    assert [r["type"] for r in rows] == ["Success", "Success", "Error"], rows
    query = urllib.parse.urlencode({"filter": f'entitlement.attributeValue eq "{role["id"]}" and grantee.type eq "Group"'})
    assert client.call("GET", f"/admin/v1/Grants?{query}").json()["totalResults"] == 1

    # Groups out through a job: members by user name, the formula cell wrapped again.
    exported = client.run("GroupExport")
    data = client.download(exported["fileName"]).decode()
    assert "Team A,m1@x.io;m2@x.io" in data or "Team A,m2@x.io;m1@x.io" in data, data
    assert "\"'=Ops, C'\",m3@x.io" in data, data
    assert "Team B" not in data
