// The development sign-in of demo mode: lists the demo users, signs one in (the token stays in this tab's
// sessionStorage), and returns to the page that asked. After a sign-out it says what happened to local drafts.
const list = document.getElementById("users");

function signedOutNotice() {
  const params = new URLSearchParams(location.search);
  if (!params.has("signedOut")) return;
  const kept = Number(params.get("kept") || 0);
  const notice = document.getElementById("signed-out");
  notice.hidden = false;
  notice.textContent = kept > 0
    ? `You are signed out. ${kept} draft(s) could not reach the server; they stay on this device, encrypted so that nobody else can read them, until you sign in again.`
    : "You are signed out. Your drafts were sent to the server and removed from this device.";
}

async function load() {
  const response = await fetch("/api/dev/users");
  if (!response.ok) {
    list.textContent = "The development sign-in is not available (demo mode is off).";
    return;
  }
  const { users } = await response.json();
  list.replaceChildren(...users.map((user) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.dataset.userId = user.userId;
    button.textContent = `${user.name} · ${user.role}`;
    button.addEventListener("click", () => signIn(user));
    return button;
  }));
}

async function signIn(user) {
  const response = await fetch("/api/dev/token", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ userId: user.userId }),
  });
  const body = await response.json();
  sessionStorage.setItem("baton.token", body.token);
  sessionStorage.setItem("baton.user", JSON.stringify(body.user));
  document.getElementById("who").textContent = `Signed in as ${user.name} (${user.role})`;
  document.getElementById("curl").textContent =
    `curl -s -H "Authorization: Bearer ${body.token}" ${location.origin}/api/notifications`;
  document.getElementById("result").hidden = false;
  document.getElementById("who").setAttribute("tabindex", "-1");
  document.getElementById("who").focus();
  const next = new URLSearchParams(location.search).get("next");
  location.assign(next && next.startsWith("/") && !next.startsWith("//") ? next : "/records");
}

signedOutNotice();
load();
