"""An identity-domain CSV job client written the way scripts drive Oracle's (the docs'
"Importing" and "Exporting" walk-throughs): upload with `POST /storage/v1/Files`
(multipart), `POST /job/v1/JobSchedules` with `runNow`, poll `GET /job/v1/JobHistories`
by `jobScheduleid`, read `JobReports`, download with `GET /storage/v1/Files?fileName=`.
Also EPM Cloud's Add Users (upload in chunks, `security/v1/users`, job status). Used by
tests/oci/test_jobs.py and benches/csv_jobs.py.
"""

from __future__ import annotations

import json
import time
import urllib.parse

import requests

from iam_script import IamScript

SCHEDULE = "urn:ietf:params:scim:schemas:oracle:idcs:JobSchedule"
USER_REPORT = "urn:ietf:params:scim:schemas:oracle:idcs:extension:UserImport:JobReport"


class Jobs(IamScript):
    """An OAuth client of the domain that runs CSV jobs."""

    def upload(self, name: str, data: bytes) -> str:
        resp = self.session.post(
            self.url + "/storage/v1/Files",
            data={"fileName": name, "contentType": "text/csv", "isPublic": "false"},
            files={"file": (name, data, "text/csv")},
        )
        assert resp.status_code in (200, 201), resp.text
        return resp.json()["fileName"]

    def schedule(self, job_type: str, **parameters) -> requests.Response:
        body = {
            "schemas": [SCHEDULE],
            "jobType": job_type,
            "runNow": True,
            "parameters": [{"name": k, "value": v} for k, v in parameters.items()],
        }
        return self.call("POST", "/job/v1/JobSchedules", body, ok=False)

    def history(self, schedule_id: str) -> dict:
        query = urllib.parse.urlencode({"filter": f'jobScheduleid eq "{schedule_id}"'})
        found = self.call("GET", f"/job/v1/JobHistories?{query}").json()
        assert found["totalResults"] == 1, found
        return found["Resources"][0]

    def wait(self, schedule_id: str, timeout: float = 300, on_poll=None) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            history = self.history(schedule_id)
            if on_poll:
                on_poll(history)
            if history["status"] != "running":
                return history
            assert time.monotonic() < deadline, history
            time.sleep(0.05)

    def reports(self, history_id: str, kind: str = "UserImportJobReports") -> list[dict]:
        rows, start = [], 1
        while True:
            query = urllib.parse.urlencode(
                {"filter": f'historyId eq "{history_id}"', "startIndex": start, "count": 1000}
            )
            page = self.call("GET", f"/job/v1/{kind}?{query}").json()
            rows += page["Resources"]
            start += len(page["Resources"])
            if not page["Resources"] or start > page["totalResults"]:
                return rows

    def download(self, file_name: str) -> bytes:
        query = urllib.parse.urlencode({"fileName": file_name})
        resp = self.session.get(f"{self.url}/storage/v1/Files?{query}")
        assert resp.status_code == 200, resp.text
        return resp.content

    def run(self, job_type: str, **parameters) -> dict:
        """Schedules a job and waits for it: its last history."""
        resp = self.schedule(job_type, **parameters)
        assert resp.status_code == 201, resp.text
        return self.wait(resp.json()["id"])


class Epm:
    """EPM Cloud's REST API as its scripts call it: HTTP Basic as `<domain>.<user>`."""

    def __init__(self, url: str, user: str, password: str):
        self.url = url
        self.auth = (user, password)

    def upload(self, name: str, data: bytes, chunk: int = 0) -> None:
        chunk = chunk or max(len(data), 1)
        pieces = [data[i:i + chunk] for i in range(0, len(data), chunk)] or [b""]
        for n, piece in enumerate(pieces):
            q = json.dumps({"isLast": n == len(pieces) - 1, "chunkSize": len(piece), "isFirst": n == 0})
            resp = requests.post(
                f"{self.url}/interop/rest/11.1.2.3.600/applicationsnapshots/{name}/contents",
                params={"q": q},
                data=piece,
                auth=self.auth,
                headers={"Content-Type": "application/octet-stream"},
            )
            assert resp.status_code == 200 and resp.json()["status"] == 0, resp.text

    def delete(self, name: str) -> requests.Response:
        return requests.delete(
            f"{self.url}/interop/rest/11.1.2.3.600/applicationsnapshots/{name}", auth=self.auth
        )

    def add_users(self, filename: str, password: str = "Welcome#1") -> dict:
        resp = requests.post(
            f"{self.url}/interop/rest/security/v1/users",
            data={"filename": filename, "userpassword": password, "resetpassword": "false",
                  "jobtype": "ADD_USERS"},
            auth=self.auth,
        )
        assert resp.status_code == 200, resp.text
        return resp.json()

    def wait(self, started: dict, timeout: float = 120) -> dict:
        link = next(l for l in started["links"] if l["rel"] == "Job Status")
        deadline = time.monotonic() + timeout
        while True:
            status = requests.get(link["href"], auth=self.auth).json()
            if status["status"] != -1:
                return status
            assert time.monotonic() < deadline, status
            time.sleep(0.05)
