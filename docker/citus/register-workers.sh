#!/bin/sh
# Registers the two Citus workers with the coordinator. Run by the `citus-register` service in
# docker-compose.yml after all three nodes are healthy; safe to run again. It then stays up, so the
# service's healthcheck (the workers are active) is what `docker compose up --wait` waits for.
#
# Citus does not discover workers by itself: the coordinator keeps its list of nodes in the
# pg_dist_node table, and create_distributed_table() spreads shards over the nodes listed there.
# So the workers must be registered before the apps' Flyway migrations distribute the tables.
set -eu

COORDINATOR=coordinator
WORKERS="worker1 worker2"
PORT=5432

# depends_on already waited for "healthy"; this loop only guards against a slow first start.
for host in "$COORDINATOR" $WORKERS; do
  tries=0
  until pg_isready -q -h "$host" -p "$PORT" -U postgres -d postgres; do
    tries=$((tries + 1))
    if [ "$tries" -ge 60 ]; then
      echo "citus-register: $host:$PORT did not become ready" >&2
      exit 1
    fi
    sleep 1
  done
done

psql() { command psql -v ON_ERROR_STOP=1 -h "$COORDINATOR" -p "$PORT" -U postgres -d postgres "$@"; }

# Tells the workers under which name they reach the coordinator (used for metadata syncing).
# Calling it again with the same name changes nothing.
psql -qAt -c "SELECT citus_set_coordinator_host('$COORDINATOR', $PORT);" >/dev/null

for worker in $WORKERS; do
  # Add the worker only when it is not registered yet, so re-runs are no-ops.
  psql -qAt -c "
    SELECT citus_add_node('$worker', $PORT)
    WHERE NOT EXISTS (
      SELECT 1 FROM pg_dist_node WHERE nodename = '$worker' AND nodeport = $PORT);" >/dev/null
done

echo "citus-register: nodes known to the coordinator:"
psql -c "SELECT nodeid, nodename, nodeport, noderole, isactive, shouldhaveshards
         FROM pg_dist_node ORDER BY nodeid;"

# stay up for the healthcheck; a TERM (docker compose down) ends at once
trap 'exit 0' TERM INT
while :; do sleep 3600 & wait $!; done
