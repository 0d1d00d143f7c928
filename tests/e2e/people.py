"""What a person does in the browser during an OAuth flow, done over HTTP: sign in, pick, allow.

No Django imports: tests/e2e/browser.py runs this outside the test process, as mcp-remote's $BROWSER.
"""

import re
from html import unescape

import httpx2

PASSWORD = "a long enough password"


def _form_fields(html: str) -> dict[str, str]:
    fields = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = unescape(value.group(1)) if value else ""
    return fields


def _option_value(html: str, label: str) -> str:
    match = re.search(rf'<option value="(\d+)"[^>]*>\s*{re.escape(label)}\s*</option>', html)
    assert match, f"no workspace option {label!r} on the consent page"
    return match.group(1)


def signed_in(base_url: str, email: str, *, password: str = PASSWORD) -> httpx2.Client:
    """A client signed in to the web app, as a person's browser is after the sign-in page."""
    browser = httpx2.Client(base_url=base_url, timeout=30)
    fields = _form_fields(browser.get("/login/").text)
    response = browser.post(
        "/login/", data={**fields, "username": email, "password": password}, headers={"referer": f"{base_url}/login/"}
    )
    assert response.status_code == 302, "sign-in failed"
    return browser


async def sign_in_and_consent(
    authorize_url: str, *, email: str, workspace_label: str, allow: bool = True, password: str = PASSWORD
) -> httpx2.URL:
    """Follow the authorize URL like a browser; return where the server finally redirects the person."""
    response = await consent(
        authorize_url, email=email, workspace_label=workspace_label, allow=allow, password=password
    )
    assert response.status_code == 302, response.text[:500]
    return httpx2.URL(response.headers["location"])


async def consent(
    authorize_url: str, *, email: str, workspace_label: str, allow: bool = True, password: str = PASSWORD
) -> httpx2.Response:
    """Follow the authorize URL like a browser, sign in, pick the workspace and answer; the server's answer."""
    async with httpx2.AsyncClient(follow_redirects=False, timeout=30) as browser:
        response = await browser.get(authorize_url)
        assert response.status_code == 302, response.text[:500]
        login_url = response.url.join(response.headers["location"])
        login_page = await browser.get(login_url)
        fields = _form_fields(login_page.text)
        response = await browser.post(
            login_url, data={**fields, "username": email, "password": password}, headers={"referer": str(login_url)}
        )
        assert response.status_code == 302, "sign-in failed"
        consent_url = response.url.join(response.headers["location"])
        consent = await browser.get(consent_url)
        assert consent.status_code == 200, consent.text[:500]
        fields = _form_fields(consent.text)
        fields.pop("allow", None)
        fields.pop("deny", None)
        fields["workspace"] = _option_value(consent.text, workspace_label)
        fields["allow" if allow else "deny"] = "true"
        return await browser.post(consent_url, data=fields, headers={"referer": str(consent_url)})
