#!/usr/bin/env bash
# Login, bearer tokens, rate limits and the page, shown on step 1 (every step serves the same API
# from common). Usage: ./run-demo.sh auth   (or bash common/demo/auth-demo.sh)
# DEMO_AUTH_PORT picks the port (default 8010, so a step's own demo on 800N is not disturbed).
source "$(dirname "${BASH_SOURCE[0]}")/demo-lib.sh"
PORT=${DEMO_AUTH_PORT:-8010}
DEMO_TRUST_USER_HEADER=false    # as deployed: X-User-ID proves nothing, only tokens act

demo_banner "Login, bearer tokens and rate limits (common: every step)" <<EOF
The other demos start their step trusting the X-User-ID header, as the original did: whoever sends
it acts as that user. Here step 1 runs as it would be deployed: twitter.auth.trust-user-header=false,
a signing key of its own (twitter.auth.jwt-secret) and a low limit of 3 tweets per minute per user.
A user signs up with a password, is refused with X-User-ID alone, logs in (POST /api/auth/login
answers a JWT signed with HS256), acts with 'Authorization: Bearer <token>', is refused with a
tampered token, and hits the rate limit (429 with Retry-After). Every refusal is a problem+json.
EOF

demo_start step1-basic "$PORT" --twitter.auth.jwt-secret="$(head -c 32 /dev/urandom | base64)" \
    --twitter.rate-limit.tweets.requests=3 --twitter.rate-limit.tweets.per=1m

# call METHOD PATH BODY|- [HEADER...]: prints the status and the body; sets CODE, BODY and HEADERS
call() {
    local method=$1 path=$2 body=$3 args=() h
    shift 3
    for h in "$@"; do args+=(-H "$h"); done
    [[ "$body" != - ]] && args+=(-H 'Content-Type: application/json' --data "$body")
    BODY=$(curl -sS --max-time "$DEMO_REQUEST_TIMEOUT" -X "$method" -D "$DEMO_TMP/headers" "${args[@]}" "$DEMO_URL$path")
    HEADERS=$(tr -d '\r' <"$DEMO_TMP/headers")
    CODE=$(head -n 1 <<<"$HEADERS" | cut -d' ' -f2)
    printf '    %s%s %s -> %s%s\n' "$_DEMO_DIM" "$method" "$path" "$CODE" "$_DEMO_OFF"
    if [[ -n "$BODY" ]]; then
        printf '    %s%s%s\n' "$_DEMO_DIM" "$(jq -c . <<<"$BODY" 2>/dev/null || echo "$BODY")" "$_DEMO_OFF"
    fi
}
# header NAME: its value in the last response
header() { awk -v h="$(tr '[:upper:]' '[:lower:]' <<<"$1"):" 'tolower($1) == h { $1 = ""; sub(/^ /, ""); print; exit }' <<<"$HEADERS"; }

NAME="alice_$(date +%s)"
PASSWORD="correct horse battery staple"

demo_say "sign up with a password (stored as a {bcrypt} hash)"
call POST /api/users/ "{\"username\": \"$NAME\", \"email\": \"$NAME@example.org\", \"password\": \"$PASSWORD\"}"
demo_expect_eq "sign-up" "$CODE" 201
ALICE=$(jq -r .id <<<"$BODY")

demo_say "X-User-ID alone is no proof here"
call POST /api/tweets/ '{"content": "as whoever I say I am"}' "X-User-ID: $ALICE"
demo_expect_eq "X-User-ID without a token" "$CODE" 401

demo_say "log in: a signed token with an expiry"
call POST /api/auth/login "{\"username\": \"$NAME\", \"password\": \"$PASSWORD\"}"
demo_expect_eq "login" "$CODE" 200
TOKEN=$(jq -r .access_token <<<"$BODY")
# the claims are base64url JSON: anyone can read them, no one can change them without the key
CLAIMS=$(cut -d. -f2 <<<"$TOKEN" | tr '_-' '/+')
while ((${#CLAIMS} % 4)); do CLAIMS+='='; done
printf "    the token's claims: %s\n" "$(base64 -d <<<"$CLAIMS" | jq -c .)"

demo_say "act with the token"
call POST /api/tweets/ '{"content": "my first signed tweet"}' "Authorization: Bearer $TOKEN"
demo_expect_eq "a tweet with a bearer token" "$CODE" 201
call GET "/api/feed/?limit=5" - "Authorization: Bearer $TOKEN"
demo_expect_eq "the feed with a bearer token" "$(jq -r '.items[0].content' <<<"$BODY")" "my first signed tweet"

demo_say "a tampered token (one character of its signature changed)"
if [[ "${TOKEN:0-2:1}" == A ]]; then other=B; else other=A; fi
call GET "/api/feed/" - "Authorization: Bearer ${TOKEN:0:${#TOKEN}-2}$other${TOKEN:0-1}"
demo_expect_eq "a tampered token" "$CODE" 401
printf '    WWW-Authenticate: %s\n' "$(header WWW-Authenticate)"

demo_say "the rate limit: 3 tweets per minute per user (the one above counts)"
for i in 2 3 4; do
    call POST /api/tweets/ "{\"content\": \"tweet $i\"}" "Authorization: Bearer $TOKEN"
done
demo_expect_eq "the 4th tweet within a minute" "$CODE" 429
demo_ok "Retry-After: $(header Retry-After) s"

echo
demo_say "the page: open $DEMO_URL/ in a browser (sign up, log in, post, follow by username; it polls every 3 s)"
if [[ -t 0 ]]; then
    read -rp "    press Enter to stop step 1 " _
fi
