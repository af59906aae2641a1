#!/usr/bin/env bash
# A throwaway Virtuoso Open Source server (Debian's virtuoso-opensource) for tests/test_virtuoso.py.
#
#   scripts/virtuoso.sh install                     install the package if virtuoso-t is missing (apt, as root)
#   scripts/virtuoso.sh start DIR HTTP_PORT SQL_PORT  start a server whose database lives in DIR; prints its
#                                                   SPARQL endpoint URL (http://127.0.0.1:HTTP_PORT/sparql)
#   scripts/virtuoso.sh stop DIR                    stop the server started in DIR
#
# The server touches nothing outside DIR (its own virtuoso.ini, database, log and pid file there): the
# system service and /var/lib/virtuoso-opensource-7 are not used. The SPARQL user (the anonymous HTTP
# user) is granted SPARQL_UPDATE, so /sparql takes SPARQL Update and /sparql-graph-crud takes Graph Store
# Protocol writes without authentication: only for a server bound to loopback, as this one is.
# Everything but the URL goes to stderr.
set -euo pipefail

die() { echo "virtuoso.sh: $*" >&2; exit 1; }

install() {
  if command -v virtuoso-t >/dev/null && command -v isql-vt >/dev/null; then
    return 0
  fi
  command -v apt-get >/dev/null || die "virtuoso-t is missing and there is no apt-get to install it"
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || die "virtuoso-t is missing and installing it needs root"
    sudo="sudo -n"
  fi
  # the package asks for a DBA password through debconf: noninteractive keeps its default, which this
  # script never uses (every server has its own database); policy-rc.d keeps the service from starting
  export DEBIAN_FRONTEND=noninteractive
  if ! $sudo apt-get install -y -q --no-install-recommends virtuoso-opensource >/dev/null 2>&1; then
    $sudo apt-get update -q >/dev/null 2>&1 || true
    $sudo apt-get install -y -q --no-install-recommends virtuoso-opensource >&2 \
      || die "apt-get install virtuoso-opensource failed"
  fi
  # the package's post-install may start the system service where policy-rc.d allows it: not ours to keep,
  # but it is left alone (it uses ports 1111/8890, which `start` does not need)
  command -v virtuoso-t >/dev/null || die "virtuoso-t not found after installing virtuoso-opensource"
}

write_ini() {  # DIR HTTP_PORT SQL_PORT
  local dir=$1 http=$2 sql=$3
  cat >"$dir/virtuoso.ini" <<EOF
; written by scripts/virtuoso.sh: a throwaway server, everything in this folder
[Database]
DatabaseFile        = $dir/virtuoso.db
ErrorLogFile        = $dir/virtuoso.log
LockFile            = $dir/virtuoso.lck
TransactionFile     = $dir/virtuoso.trx
xa_persistent_file  = $dir/virtuoso.pxa
ErrorLogLevel       = 7
FileExtend          = 200
Striping            = 0
TempStorage         = TempDatabase

[TempDatabase]
DatabaseFile        = $dir/virtuoso-temp.db
TransactionFile     = $dir/virtuoso-temp.trx
Striping            = 0

[Parameters]
ServerPort          = 127.0.0.1:$sql
DisableUnixSocket   = 1
CheckpointInterval  = 0
CaseMode            = 2
DirsAllowed         = ., $dir
NumberOfBuffers     = 20000
MaxDirtyBuffers     = 15000
MaxQueryMem         = 1G
ThreadsPerQuery     = 4

[HTTPServer]
ServerPort          = 127.0.0.1:$http
ServerRoot          = $dir
ServerThreads       = 10
MaxClientConnections = 10
Charset             = UTF-8
EnabledGzipContent  = 0

[SPARQL]
; the default (10000) silently truncates larger results: the store's dump reads every quad in one SELECT
ResultSetMaxRows    = 10000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 0
MaxSortedTopRows    = 10000000
EOF
}

start() {
  [ $# -eq 3 ] || die "usage: $0 start DIR HTTP_PORT SQL_PORT"
  local dir http=$2 sql=$3
  install
  mkdir -p "$1"
  dir=$(cd "$1" && pwd)
  if [ -f "$dir/virtuoso.pid" ] && kill -0 "$(cat "$dir/virtuoso.pid")" 2>/dev/null; then
    die "a server is already running in $dir (pid $(cat "$dir/virtuoso.pid")): $0 stop $dir"
  fi
  write_ini "$dir" "$http" "$sql"
  # +foreground in a background job: the pid written is the server's own
  (cd "$dir" && exec virtuoso-t +foreground +configfile "$dir/virtuoso.ini" \
      </dev/null >"$dir/server.out" 2>&1) &
  echo $! >"$dir/virtuoso.pid"
  local url="http://127.0.0.1:$http/sparql" deadline=$((SECONDS + 120))
  # a fresh database takes some seconds to create; the endpoint answers once it is ready
  until curl -fsS -o /dev/null --max-time 5 "$url?query=ASK%7B%7D" 2>/dev/null; do
    if ! kill -0 "$(cat "$dir/virtuoso.pid")" 2>/dev/null; then
      tail -n 30 "$dir/virtuoso.log" "$dir/server.out" >&2 2>/dev/null || true
      die "virtuoso-t exited before its endpoint answered (log: $dir/virtuoso.log)"
    fi
    if [ $SECONDS -gt $deadline ]; then
      stop "$dir"
      die "no answer from $url within 120 s (log: $dir/virtuoso.log)"
    fi
    sleep 0.2
  done
  # writes over HTTP: SPARQL Update on /sparql and the Graph Store Protocol on /sparql-graph-crud both
  # run as the SPARQL user. The DBA password of a new database is "dba", reachable only on loopback.
  isql-vt "127.0.0.1:$sql" dba dba VERBOSE=OFF BANNER=OFF PROMPT=OFF ERRORS=STDOUT \
      exec='GRANT SPARQL_UPDATE TO "SPARQL";' >"$dir/isql.out" 2>&1 \
    || { cat "$dir/isql.out" >&2; stop "$dir"; die "granting SPARQL_UPDATE failed"; }
  if grep -q -i "error" "$dir/isql.out"; then
    cat "$dir/isql.out" >&2; stop "$dir"; die "granting SPARQL_UPDATE failed"
  fi
  echo "$url"
}

stop() {
  [ $# -eq 1 ] || die "usage: $0 stop DIR"
  local dir=$1 pid
  [ -f "$dir/virtuoso.pid" ] || return 0
  pid=$(cat "$dir/virtuoso.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/virtuoso.pid"
}

case "${1:-}" in
  install) install ;;
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) die "usage: $0 install | start DIR HTTP_PORT SQL_PORT | stop DIR" ;;
esac
