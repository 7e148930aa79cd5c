#!/usr/bin/env bash
# Walks one whole purchase against a running stack (make run): register → login → browse →
# order → pay → sandbox provider → paid. Prints each request and answer; exits non-zero if the
# order does not end up paid. Needs curl and sed only.
set -euo pipefail

USER_API=${USER_API:-http://127.0.0.1:8888}
ORDER_API=${ORDER_API:-http://127.0.0.1:8889}
PAYMENT_API=${PAYMENT_API:-http://127.0.0.1:8890}
EMAIL=${EMAIL:-buyer-$(date +%s)@example.com}
JSON='Content-Type: application/json'
# One W3C trace context for the whole walkthrough, sampled: every call of this purchase, and the
# events it causes, land in one trace. On the way out the walkthrough sends its own span, the
# trace's root, to OTLP_HTTP (Jaeger under TRACING=1 make run or the Compose observability
# profile); without a Jaeger there, nothing is sent and nothing fails.
OTLP_HTTP=${OTLP_HTTP:-http://127.0.0.1:4318}
TRACE_ID=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
ROOT_SPAN=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
TRACE="traceparent: 00-$TRACE_ID-$ROOT_SPAN-01"
STARTED_NS=$(date +%s%N)
send_root_span() {
	local rc=$? status=1 # OK
	[ "$rc" = 0 ] || status=2 # ERROR
	curl -fsS -m 2 "$OTLP_HTTP/v1/traces" -H 'Content-Type: application/json' -d '{"resourceSpans":[{
		"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"purchase.sh"}}]},
		"scopeSpans":[{"scope":{"name":"purchase.sh"},"spans":[{"traceId":"'"$TRACE_ID"'","spanId":"'"$ROOT_SPAN"'",
		"name":"purchase","kind":3,"startTimeUnixNano":"'"$STARTED_NS"'","endTimeUnixNano":"'"$(date +%s%N)"'",
		"status":{"code":'"$status"'}}]}]}]}' >/dev/null 2>&1 || true
}
trap send_root_span EXIT

step() { printf '\n== %s\n' "$*"; }
field() { sed -n 's/.*"'"$1"'":"\{0,1\}\([^",}]*\).*/\1/p'; }
show() { printf '%s\n' "$1"; }

step "register $EMAIL"
show "$(curl -fsS "$USER_API/user/v1/register" -H "$JSON" -H "$TRACE" -d '{"email":"'"$EMAIL"'","password":"correct horse","nickname":"Buyer"}')"

step "login"
login=$(curl -fsS "$USER_API/user/v1/login" -H "$JSON" -H "$TRACE" -d '{"email":"'"$EMAIL"'","password":"correct horse"}')
show "$login"
TOKEN=$(field accessToken <<<"$login")
AUTH="Authorization: Bearer $TOKEN"

step "browse the catalogue"
show "$(curl -fsS "$ORDER_API/order/v1/products" -H "$TRACE")"

step "order two T-shirts and a sticker pack"
order=$(curl -fsS "$ORDER_API/order/v1/orders" -H "$JSON" -H "$AUTH" -H "$TRACE" -H "Idempotency-Key: walkthrough-$RANDOM" \
	-d '{"items":[{"productId":1,"quantity":2},{"productId":3,"quantity":1}]}')
show "$order"
ORDER_SN=$(field sn <<<"$order")

step "open the payment"
payment=$(curl -fsS "$PAYMENT_API/payment/v1/payments" -H "$JSON" -H "$AUTH" -H "$TRACE" -d '{"orderSn":"'"$ORDER_SN"'"}')
show "$payment"
PAY_URL=$(field payUrl <<<"$payment")

step "pay at the sandbox provider ($PAY_URL); it calls our signed callback"
show "$(curl -fsS -X POST "$PAY_URL" -H "$AUTH" -H "$TRACE")"

step "the order becomes paid (delivered through the outbox)"
for _ in $(seq 1 50); do
	got=$(curl -fsS "$ORDER_API/order/v1/orders/$ORDER_SN" -H "$AUTH" -H "$TRACE")
	if [ "$(field status <<<"$got")" = paid ]; then
		show "$got"
		printf '\ntrace id of this purchase: %s\n' "$TRACE_ID"
		exit 0
	fi
	sleep 0.2
done
echo "order $ORDER_SN is not paid: $got" >&2
exit 1
