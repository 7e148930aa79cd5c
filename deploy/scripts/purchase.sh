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

step() { printf '\n== %s\n' "$*"; }
field() { sed -n 's/.*"'"$1"'":"\{0,1\}\([^",}]*\).*/\1/p'; }
show() { printf '%s\n' "$1"; }

step "register $EMAIL"
show "$(curl -fsS "$USER_API/user/v1/register" -H "$JSON" -d '{"email":"'"$EMAIL"'","password":"correct horse","nickname":"Buyer"}')"

step "login"
login=$(curl -fsS "$USER_API/user/v1/login" -H "$JSON" -d '{"email":"'"$EMAIL"'","password":"correct horse"}')
show "$login"
TOKEN=$(field accessToken <<<"$login")
AUTH="Authorization: Bearer $TOKEN"

step "browse the catalogue"
show "$(curl -fsS "$ORDER_API/order/v1/products")"

step "order two T-shirts and a sticker pack"
order=$(curl -fsS "$ORDER_API/order/v1/orders" -H "$JSON" -H "$AUTH" -H "Idempotency-Key: walkthrough-$RANDOM" \
	-d '{"items":[{"productId":1,"quantity":2},{"productId":3,"quantity":1}]}')
show "$order"
ORDER_SN=$(field sn <<<"$order")

step "open the payment"
payment=$(curl -fsS "$PAYMENT_API/payment/v1/payments" -H "$JSON" -H "$AUTH" -d '{"orderSn":"'"$ORDER_SN"'"}')
show "$payment"
PAY_URL=$(field payUrl <<<"$payment")

step "pay at the sandbox provider ($PAY_URL); it calls our signed callback"
show "$(curl -fsS -X POST "$PAY_URL")"

step "the order becomes paid (delivered through the outbox)"
for _ in $(seq 1 50); do
	got=$(curl -fsS "$ORDER_API/order/v1/orders/$ORDER_SN" -H "$AUTH")
	if [ "$(field status <<<"$got")" = paid ]; then
		show "$got"
		exit 0
	fi
	sleep 0.2
done
echo "order $ORDER_SN is not paid: $got" >&2
exit 1
