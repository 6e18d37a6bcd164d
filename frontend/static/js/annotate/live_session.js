// The WebSocket side of the annotation page: one socket per project page, events with ids.
//
// Every event carries a client-made id. Until its result arrives it stays in `pending`;
// after a reconnect the page re-opens its session and sends the pending events again with
// the same ids, which the server applies at most once: no click is lost or applied twice.
// An answer can also be lost with the socket still open (a worker that could not relay it, the
// channel layer reconnecting to Redis): when events stay unanswered for `resyncMs` with no
// frame of their session arriving, the page asks for its session's state again the same way.
// It does so too when an event it has its answer to is answered again: a step whose answer went
// out before its commit, then failed to commit, is applied again, and the engine's second
// answer may differ from the first one the page shows.

//
// The server's limits come with its `hello` (docs/protocol.md): the page thins a stroke to its
// number of points and keeps a frame it could not take to itself. When an event is refused for
// the rate, the page holds its events back for the wait the server named, then sends the ones
// that have not gone, in order (only an event already on its way when the refusal came can
// overtake them). A connection refused for who the user is (close codes 4401, 4404) is said in
// words and not tried again.
//
// While the server cannot reach its workers (its broker or channel layer, Redis, is down) the
// page says so and keeps the user's events: a click saved whose step could not start comes back
// as `dispatch_failed` naming it, and the page sends it again after a back-off (1 s, doubling to
// 16 s), which starts it; a socket closed with 4503 reconnects the same way. The words stay until
// answers come again.

// How many answered event ids the page remembers, to tell a second answer from a first.
const ANSWERS_KEPT = 256;
const UNREACHABLE = "The server cannot reach its workers; your clicks are kept and will be applied.";
const CLOSE_UNREACHABLE = 4503;
const REFUSED = {
  4401: { text: "You are logged out: log in again.", link: "Log in", href: () => `/login/?next=${encodeURIComponent(location.pathname)}` },
  4404: { text: "You are not a member of this project (or it no longer exists).", link: "Your projects", href: () => "/projects/" },
};

// At most `max` points of the stroke, evenly spaced from its first to its last.
function thin(points, max) {
  if (points.length <= max) return points;
  const step = (points.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => points[Math.round(i * step)]);
}

function newEventId() {
  if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

export class LiveSession {
  constructor(projectId, handlers, { resyncMs = 15000, holdMs = 20000 } = {}) {
    this.url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/projects/${projectId}/`;
    this.handlers = handlers;
    this.pending = new Map();
    this.answered = new Set(); // the latest events this page has the answer to
    this.seq = 0;
    this.sessionId = null;
    this.openArgs = null;
    this.retryMs = 500;
    this.unreachable = false; // the server said it cannot reach its workers, and no answer came since
    this.dispatchRetryMs = 1000;
    this.limits = null; // from the server's hello
    this.waitUntil = 0; // events wait until then: the server refused one for the rate
    this.resyncMs = resyncMs;
    this.lastProgress = performance.now();
    setInterval(() => this.resyncIfStalled(), Math.min(1000, resyncMs / 4));
    // While the session corrects a saved object, a beat keeps it held (see holding()).
    this.holding = false;
    setInterval(() => this.beat(), holdMs);
    this.connect();
  }

  resyncIfStalled() {
    if (!this.pending.size) return;
    if (performance.now() - this.lastProgress >= this.resyncMs) this.resync();
  }

  // Ask for the session's state: the `session` frame, after which the unanswered events go again.
  resync() {
    if (!this.ready || !this.openArgs) return;
    this.lastProgress = performance.now();
    this.socket.send(JSON.stringify({ type: "open", ...this.openArgs }));
  }

  connect() {
    this.handlers.onStatus("connecting…");
    this.socket = new WebSocket(this.url);
    this.socket.onmessage = (message) => this.receive(JSON.parse(message.data));
    this.socket.onclose = (event) => {
      const refused = REFUSED[event.code];
      if (refused) {
        this.handlers.onRefused(refused.text, { text: refused.link, href: refused.href() });
        return;
      }
      if (event.code === CLOSE_UNREACHABLE) this.cannotReachWorkers();
      else this.handlers.onStatus("disconnected: reconnecting…");
      setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 8000);
    };
  }

  get ready() { return this.socket && this.socket.readyState === WebSocket.OPEN; }

  // Whether the session corrects a saved object, which the server holds for it while it beats.
  hold(on) { this.holding = on; }

  beat() {
    if (this.holding && this.ready && this.sessionId !== null) {
      this.socket.send(JSON.stringify({ type: "hold", session_id: this.sessionId }));
    }
  }

  open(imageId, classId) {
    this.openArgs = { image_id: imageId, class_id: classId };
    if (this.ready) this.socket.send(JSON.stringify({ type: "open", ...this.openArgs }));
  }

  // Send a session event; returns its id. fields: the kind's own fields (x, y, positive, …).
  send(kind, fields = {}) {
    if (this.sessionId === null) return null;
    this.seq += 1;
    const frame = { type: kind, session_id: this.sessionId, event_id: newEventId(), seq: this.seq, ...fields };
    if (frame.points) frame.points = thin(frame.points, this.limits.stroke_points);
    if (new TextEncoder().encode(JSON.stringify(frame)).length > this.limits.max_frame_bytes) {
      this.handlers.onError({ type: "error", code: "frame_too_large", event_id: frame.event_id,
        detail: "This is too large to send: draw it in shorter strokes." });
      return null;
    }
    if (!this.pending.size) this.lastProgress = performance.now();
    this.pending.set(frame.event_id, { frame, sentAt: performance.now(), unsent: true });
    this.flush();
    this.handlers.onBusy(this.pending.size);
    return frame.event_id;
  }

  // Send the events that have not gone yet, in order, unless the page is to wait.
  flush() {
    if (!this.ready || performance.now() < this.waitUntil) return;
    for (const entry of this.pending.values()) {
      if (!entry.unsent) continue;
      entry.unsent = false;
      this.socket.send(JSON.stringify(entry.frame));
    }
  }

  settle(frame) {
    const entry = this.pending.get(frame.event_id);
    this.pending.delete(frame.event_id);
    this.handlers.onBusy(this.pending.size);
    if (!entry) return null;
    this.answered.add(frame.event_id);
    if (this.answered.size > ANSWERS_KEPT) this.answered.delete(this.answered.values().next().value);
    return performance.now() - entry.sentAt;
  }

  // Whether the frame answers an event this page already has the answer to.
  answeredAgain(frame) {
    return this.answered.has(frame.event_id);
  }

  // A frame refused for the rate: an event goes again, with those made meanwhile, once the wait
  // is over; an `open` too while the page has no session. A `hold` waits for its next beat.
  retryLater(frame) {
    this.handlers.onStatus("sending too fast: waiting a moment…");
    const entry = this.pending.get(frame.event_id);
    if (entry) entry.unsent = true;
    this.waitUntil = Math.max(this.waitUntil, performance.now() + frame.retry_ms);
    setTimeout(() => {
      if (frame.event_id === undefined && this.sessionId === null && this.openArgs && this.ready) {
        this.socket.send(JSON.stringify({ type: "open", ...this.openArgs }));
      }
      this.flush();
    }, frame.retry_ms);
  }

  // The server cannot reach its workers: say so until answers come again.
  cannotReachWorkers() {
    this.unreachable = true;
    this.handlers.onStatus(UNREACHABLE);
  }

  // An event saved whose step could not start (`dispatch_failed`), or an `open` the server could
  // not serve (`workers_unreachable`): sent again after the back-off, which starts it.
  retryUnreachable(frame) {
    this.cannotReachWorkers();
    const entry = this.pending.get(frame.event_id);
    if (entry) entry.unsent = true;
    const wait = this.dispatchRetryMs;
    this.dispatchRetryMs = Math.min(this.dispatchRetryMs * 2, 16000);
    setTimeout(() => {
      if (entry) this.flush();
      else if (frame.code === "workers_unreachable") this.resync();
    }, wait);
  }

  // An answer came: the server reaches its workers again.
  reachable() {
    if (!this.unreachable) return;
    this.unreachable = false;
    this.dispatchRetryMs = 1000;
    this.handlers.onStatus("connected");
  }

  receive(frame) {
    if (frame.session_id !== undefined && frame.type !== "ack") this.lastProgress = performance.now();
    if (["mask", "preview", "accepted", "cancelled", "ready", "session"].includes(frame.type)) this.reachable();
    switch (frame.type) {
      case "hello":
        this.retryMs = 500;
        this.limits = frame.limits;
        this.handlers.onStatus("connected");
        if (this.openArgs) this.socket.send(JSON.stringify({ type: "open", ...this.openArgs }));
        break;
      case "session":
        this.sessionId = frame.session_id;
        this.handlers.onSession(frame);
        // Resend what has no answer yet: the server applies each event id once, and answers
        // events of a session closed meanwhile with an error, which settles them.
        for (const entry of this.pending.values()) entry.unsent = true;
        this.flush();
        break;
      case "ready":
        this.handlers.onReady(frame);
        break;
      case "ack":
        if (frame.duplicate && frame.status !== "pending") this.settle(frame);
        break;
      case "preview":
        this.handlers.onPreview(frame);
        break;
      case "mask": {
        const again = this.answeredAgain(frame);
        this.handlers.onMask(frame, this.settle(frame));
        if (again) this.resync();
        break;
      }
      case "accepted":
        this.settle(frame);
        this.sessionId = null;
        this.holding = false;
        this.handlers.onAccepted(frame);
        break;
      case "cancelled":
        this.settle(frame);
        this.sessionId = null;
        this.holding = false;
        this.handlers.onCancelled(frame);
        break;
      case "error": {
        if (frame.code === "rate_limited") {
          this.retryLater(frame);
          break;
        }
        if (frame.code === "dispatch_failed" || frame.code === "workers_unreachable") {
          this.retryUnreachable(frame);
          break;
        }
        const again = this.answeredAgain(frame);
        if (frame.event_id) this.settle(frame);
        this.handlers.onError(frame);
        if (again) this.resync();
        break;
      }
      default:
        break;
    }
  }
}
