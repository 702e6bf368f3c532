#!/usr/bin/env python3
"""A scripted, deterministic judge for PLUMBING RUNS ONLY (make experiments SCALE=tiny).

It is a real HTTP server on 127.0.0.1 speaking the OpenAI chat-completions API, so every experiment runs
end to end through the same client, cache and parsing code as with a real judge. Its answers are NOT
judgments: they are computed from a hash of the request and simple text features, so the numbers it
produces say nothing about quality. Every answer says so in its first line, and the model name it
reports is "scripted-judge-PLUMBING-ONLY".

What it answers, by the request's content:
  - the Likert prompt (likert-v1):      reasoning line, then a number 1-6 alone on the last line;
  - the pairwise prompt (pairwise-v1):  "Verdict: Response 1|Response 2|Neither";
  - the absolute prompt (absolute-v1):  "Rating: Fail|Pass|Excellent";
  - a "user" request of lima eval dialogue (system message mentions playing the user): a follow-up turn.
Same request body -> same answer, byte for byte (no clock, no randomness).

Usage: scripted_judge.py --port-file FILE [--port 0]
Writes the port it listens on to FILE once it accepts connections; stops on SIGTERM/SIGINT.
"""
import argparse
import hashlib
import json
import re
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODEL = "scripted-judge-PLUMBING-ONLY"
NOTE = "[scripted plumbing-only judge: this is not a judgment]"


def h(*parts):
    d = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).digest()
    return int.from_bytes(d[:8], "big")


def section(text, name):
    m = re.search(r"\[" + re.escape(name) + r"\]\n(.*?)(?:\n\n\[|\n\nFirst )", text, re.S)
    return m.group(1) if m else ""


def features(resp):
    """A crude, deterministic 0..1 'form' score: words, distinct words, lines. Not quality."""
    words = re.findall(r"[A-Za-z]{2,}", resp)
    distinct = len(set(w.lower() for w in words))
    return min(1.0, 0.5 * min(1.0, len(words) / 80.0) + 0.5 * min(1.0, distinct / 40.0))


def answer(body):
    msgs = body.get("messages", [])
    system = next((m.get("content", "") for m in msgs if m.get("role") == "system"), "")
    user = msgs[-1].get("content", "") if msgs else ""
    seed = body.get("seed", 0)
    if "play the user" in system.lower() or "you are the user" in system.lower():
        turns = len(re.findall(r"(?m)^User: ", user))
        k = h(json.dumps(msgs, sort_keys=True)) % 4
        follow = ["Could you explain that in more detail?", "Can you give me an example?",
                  "What should I do first?", "Is there anything I should avoid?"][k]
        return follow + " (scripted user, turn %d)" % (turns + 1)
    if "Rate how helpful" in user:
        resp = section(user, "Response")
        base = 1 + 5 * features(resp)
        jitter = (h(resp, seed) % 3) - 1  # -1, 0 or +1 per sample
        score = max(1, min(6, int(round(base)) + jitter))
        return NOTE + "\nscripted: form features only.\n" + str(score)
    if "[Response 1]" in user and "[Response 2]" in user:
        r1, r2 = section(user, "Response 1"), section(user, "Response 2")
        f1, f2 = features(r1), features(r2)
        if abs(f1 - f2) < 0.05:
            v = ["Response 1", "Response 2", "Neither"][h(r1, r2) % 3]
        else:
            v = "Response 1" if f1 > f2 else "Response 2"
        return NOTE + "\nscripted: form features only.\nVerdict: " + v
    if "Rating: Excellent" in user:
        resp = section(user, "Response")
        f = features(resp) + ((h(resp) % 100) / 100.0 - 0.5) * 0.4
        return NOTE + "\nscripted: form features only.\nRating: " + ("Fail" if f < 0.35 else "Pass" if f < 0.7 else "Excellent")
    return NOTE + "\nno scripted answer for this request."


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet
        pass

    def do_GET(self):
        if self.path.rstrip("/").endswith("/models"):
            self.send_json(200, {"object": "list", "data": [{"id": MODEL, "object": "model", "owned_by": "lima-plumbing"}]})
        else:
            self.send_json(404, {"error": {"message": "not found"}})

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(n)
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self.send_json(404, {"error": {"message": "only /v1/chat/completions"}})
            return
        try:
            body = json.loads(raw)
        except ValueError:
            self.send_json(400, {"error": {"message": "body is not JSON"}})
            return
        content = answer(body)
        rid = "scripted-%016x" % h(raw.decode("utf-8", "replace"))
        self.send_json(200, {
            "id": rid, "object": "chat.completion", "created": 0, "model": MODEL,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        })

    def send_json(self, code, obj):
        data = json.dumps(obj, sort_keys=True).encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", required=True)
    a = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    with open(a.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]) + "\n")
    import os
    os.replace(a.port_file + ".tmp", a.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()


if __name__ == "__main__":
    sys.exit(main())
