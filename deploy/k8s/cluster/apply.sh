#!/usr/bin/env bash
# Deploys zeromall on the cluster that kubectl points at, following deploy/k8s/README.md step by
# step, with the development engines of dev-engines.yaml: the namespaces, the engines and their
# database users, the Secrets (random values, and an rpc CA with one mutual-TLS identity per
# process), the ConfigMap zeromall-engines pointed at the engines, then every manifest of deploy/k8s,
# and waits until every Deployment is available. make test-k8s runs it on make k8s-up's cluster.
# Prints each step's time. Re-running it keeps the Secrets it made.
set -euo pipefail
cd "$(dirname "$0")"
K8S=$PWD/..
NS=${ZEROMALL_NAMESPACE:-zeromall}
ENGINES=zeromall-engines
PROCESSES=(user-rpc order-rpc payment-rpc user-api order-api payment-api)

log() { printf '[apply] %s\n' "$*"; }
t=$SECONDS
step() {
	log "$1 ($((SECONDS - t)) s)"
	t=$SECONDS
}
secret() { openssl rand -hex 24; }
exists() { kubectl get "$@" >/dev/null 2>&1; }

# 1. Namespaces.
kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Namespace
metadata: {name: $NS}
YAML

# 2. Engines (development only: dev-engines.yaml), with a database user per service.
if ! exists -n "$ENGINES" secret engines-secrets; then
	kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Namespace
metadata: {name: $ENGINES}
YAML
	kubectl -n "$ENGINES" create secret generic engines-secrets \
		--from-literal=root-password="$(secret)" --from-literal=redis-password="$(secret)" \
		--from-literal=nats-password="$(secret)" >/dev/null
fi
kubectl -n "$ENGINES" create configmap jaeger-config --from-file=config.yaml=../../jaeger/config.yaml \
	--dry-run=client -o yaml | kubectl apply -f - >/dev/null
kubectl apply -f dev-engines.yaml >/dev/null
kubectl -n "$ENGINES" rollout status statefulset/mariadb --timeout=180s >/dev/null
kubectl -n "$ENGINES" rollout status statefulset/redis --timeout=120s >/dev/null
kubectl -n "$ENGINES" rollout status statefulset/etcd --timeout=120s >/dev/null
kubectl -n "$ENGINES" rollout status statefulset/nats --timeout=120s >/dev/null
kubectl -n "$ENGINES" rollout status deployment/jaeger --timeout=120s >/dev/null
step "engines running in $ENGINES"

field() { kubectl -n "$1" get secret "$2" -o "jsonpath={.data.$3}" | base64 -d; }
host=svc.cluster.local
dsn() { # service password
	printf 'zeromall_%s:%s@tcp(mariadb.%s.%s:3306)/zeromall_%s?charset=utf8mb4&parseTime=true&loc=UTC&time_zone=%%27%%2B00%%3A00%%27&timeout=2s' \
		"$1" "$2" "$ENGINES" "$host" "$1"
}
if ! exists -n "$NS" secret zeromall-secrets; then
	root=$(field "$ENGINES" engines-secrets root-password)
	args=()
	for s in user order payment; do
		pw=$(secret)
		# Each service owns its database (its migrations create it) and nothing else.
		kubectl -n "$ENGINES" exec -i mariadb-0 -- mariadb -uroot --password="$root" >/dev/null <<SQL
CREATE USER IF NOT EXISTS 'zeromall_$s'@'%' IDENTIFIED BY '$pw';
GRANT ALL ON zeromall_$s.* TO 'zeromall_$s'@'%';
SQL
		args+=(--from-literal="$s-db-dsn=$(dsn "$s" "$pw")")
	done
	# 3. The Secret every process reads.
	kubectl -n "$NS" create secret generic zeromall-secrets "${args[@]}" \
		--from-literal=jwt-secret="$(secret)" --from-literal=payment-callback-secret="$(secret)" \
		--from-literal=redis-password="$(field "$ENGINES" engines-secrets redis-password)" \
		--from-literal=nats-user=zeromall --from-literal=nats-password="$(field "$ENGINES" engines-secrets nats-password)" >/dev/null
fi
step "database users and the Secret zeromall-secrets"

# 4. The rpc mutual-TLS identities: one CA, a certificate per process (common name and DNS name =
# the process name, for server and client auth), each in its Secret zeromall-rpc-tls-<process>.
if ! exists -n "$NS" secret zeromall-rpc-tls-user-rpc; then
	pki=$(mktemp -d)
	trap 'rm -rf "$pki"' EXIT
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 825 -subj "/CN=zeromall rpc CA" \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign \
		-keyout "$pki/ca.key" -out "$pki/ca.crt" 2>/dev/null
	for p in "${PROCESSES[@]}"; do
		openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$p" \
			-keyout "$pki/$p.key" -out "$pki/$p.csr" 2>/dev/null
		printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:%s\n' "$p" >"$pki/$p.ext"
		openssl x509 -req -in "$pki/$p.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -days 365 \
			-extfile "$pki/$p.ext" -out "$pki/$p.crt" 2>/dev/null
		kubectl -n "$NS" create secret generic "zeromall-rpc-tls-$p" --from-file=ca.crt="$pki/ca.crt" \
			--from-file=tls.crt="$pki/$p.crt" --from-file=tls.key="$pki/$p.key" >/dev/null
	done
fi
step "the rpc identities (zeromall-rpc-tls-<process>)"

# 5. The ConfigMap, pointed at the engines, then every process.
nats_url=nats://nats-0.nats.$ENGINES.$host:4222,nats://nats-1.nats.$ENGINES.$host:4222,nats://nats-2.nats.$ENGINES.$host:4222
kubectl -n "$NS" apply -f "$K8S/engines.yaml" >/dev/null
kubectl -n "$NS" patch configmap zeromall-engines --type merge -p "{\"data\": {
	\"etcd-endpoint\": \"etcd.$ENGINES.$host:2379\",
	\"redis-addr\": \"redis.$ENGINES.$host:6379\", \"redis-type\": \"node\",
	\"nats-url\": \"$nats_url\", \"nats-replicas\": \"3\",
	\"otlp-endpoint\": \"jaeger.$ENGINES.$host:4317\",
	\"trusted-proxies\": \"10.244.0.0/16\"}}" >/dev/null
for p in "${PROCESSES[@]}"; do kubectl -n "$NS" apply -f "$K8S/$p.yaml" >/dev/null; done
for p in "${PROCESSES[@]}"; do
	kubectl -n "$NS" rollout status "deployment/$p" --timeout=300s >/dev/null
done
step "every Deployment available"
