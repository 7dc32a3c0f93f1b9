#!/usr/bin/env bash
# tests/ch_cluster.sh -- a throw-away 2-shard ClickHouse cluster on loopback
# for tests/sql.sh (written after the team's engine recipe clickhouse_cluster.sh;
# self-contained: the suite reads nothing outside the repository).
#
#   bash tests/ch_cluster.sh start DIR    two servers on free loopback ports
#                                         (TCP and HTTP: four the kernel picks,
#                                         so two suites at once never share
#                                         them), cluster `seg2`, data under DIR;
#                                         DIR/ports holds "TCP1,TCP2" (SEG_CH_PORTS)
#   bash tests/ch_cluster.sh stop DIR     SIGTERM both at once, then KILL
#
# SEG_CH_PORT=P asks for fixed ports instead (TCP P and P+1, HTTP P-1000 and
# P-999; refused when one is in use). A port taken between its pick and the
# server's bind (another suite's pick) makes the start try again with new
# ports, up to 5 times. As root the servers run as the package's `clickhouse`
# user. Every client call has a timeout (18.16's client can spin). Exit 0
# when both answer.
set -u
cmd=${1:?start|stop}
BASE=${2:?folder}
TCP=() HTTP=()
pick_ports() {   # TCP and HTTP ports: SEG_CH_PORT's, or four free ones bound at once (no two alike)
    local p
    if [ -n "${SEG_CH_PORT:-}" ]; then
        p=$SEG_CH_PORT; TCP=("$p" $((p + 1))); HTTP=($((p - 1000)) $((p - 999))); return 0
    fi
    read -r -a p < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(4)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')
    [ ${#p[@]} -eq 4 ] || { echo "ch_cluster: no free ports" >&2; return 1; }
    TCP=("${p[0]}" "${p[1]}"); HTTP=("${p[2]}" "${p[3]}")
}
ch() { timeout 60 clickhouse-client --host 127.0.0.1 --port "$1" -q "$2" < /dev/null; }

stop() {
    local pids=() i d pid
    for i in 0 1; do
        d=$BASE/s$((i + 1))
        [ -f "$d/pid" ] || continue
        pid=$(cat "$d/pid")
        kill -0 "$pid" 2>/dev/null && pids+=("$pid")
        rm -f "$d/pid"
    done
    [ ${#pids[@]} -gt 0 ] || return 0
    kill -TERM "${pids[@]}" 2>/dev/null
    for pid in "${pids[@]}"; do
        for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    return 0
}

config() {   # index
    local i=$1 d=$BASE/s$(($1 + 1))
    mkdir -p "$d"/{data,tmp,log,user_files,format_schemas}
    cat > "$d/config.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$d/log/server.log</log><errorlog>$d/log/err.log</errorlog><size>10M</size><count>1</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <tcp_port>${TCP[$i]}</tcp_port>
  <http_port>${HTTP[$i]}</http_port>
  <path>$d/data/</path>
  <tmp_path>$d/tmp/</tmp_path>
  <user_files_path>$d/user_files/</user_files_path>
  <format_schema_path>$d/format_schemas/</format_schema_path>
  <users_config>users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>67108864</mark_cache_size>
  <remote_servers>
    <seg2>
      <shard><replica><host>127.0.0.1</host><port>${TCP[0]}</port></replica></shard>
      <shard><replica><host>127.0.0.1</host><port>${TCP[1]}</port></replica></shard>
    </seg2>
  </remote_servers>
</yandex>
EOF
    cat > "$d/users.xml" <<'EOF'
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage><load_balancing>in_order</load_balancing>
    <poll_interval>1</poll_interval></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
    <profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>
    <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
EOF
    if [ "$(id -u)" = 0 ]; then chown -R clickhouse:clickhouse "$d"; fi
}

start_one() {   # index
    local i=$1 d=$BASE/s$(($1 + 1)) run=() pid
    config "$i"
    [ "$(id -u)" = 0 ] && run=(setpriv --reuid=clickhouse --regid=clickhouse --init-groups --)
    setsid "${run[@]}" /usr/sbin/clickhouse-server --config-file="$d/config.xml" < /dev/null > "$d/log/stdout.log" 2>&1 &
    pid=$!
    echo "$pid" > "$d/pid"
    for _ in $(seq 1 600); do
        # up when SELECT 1 answers from this server's socket (not another
        # suite's server on a port taken between the pick and this bind)
        if ch "${TCP[$i]}" 'SELECT 1' > /dev/null 2>&1; then
            [ -f "$d/data/status" ] && awk '/^PID:/{print $2}' "$d/data/status" > "$d/pid"
            ss -ltnpH "( sport = :${TCP[$i]} )" 2>/dev/null | grep -q "pid=$(cat "$d/pid")," && return 0
        fi
        kill -0 "$pid" 2>/dev/null || { tail -5 "$d/log/err.log" "$d/log/stdout.log" >&2 2>/dev/null; return 1; }
        sleep 0.05
    done
    echo "ch_cluster: shard $((i + 1)) not up after 30 s" >&2
    return 1
}

case $cmd in
    start)
        stop
        for try in 1 2 3 4 5; do
            pick_ports || exit 1
            if [ -n "${SEG_CH_PORT:-}" ]; then
                for p in "${TCP[@]}" "${HTTP[@]}"; do
                    if ss -ltnH "( sport = :$p )" 2>/dev/null | grep -q .; then echo "ch_cluster: port $p is in use" >&2; exit 1; fi
                done
            fi
            rm -rf "$BASE"
            mkdir -p "$BASE"
            chmod 755 "$BASE"
            if start_one 0 2> "$BASE/start.err" && start_one 1 2>> "$BASE/start.err"; then
                echo "${TCP[0]},${TCP[1]}" > "$BASE/ports"
                exit 0
            fi
            stop
            # another process took a port first: new ports (not with fixed ones)
            if [ -z "${SEG_CH_PORT:-}" ] && grep -qi 'already in use' "$BASE"/start.err "$BASE"/s*/log/*.log 2>/dev/null; then
                echo "ch_cluster: a port was taken (try $try), picking others" >&2; continue
            fi
            cat "$BASE/start.err" >&2; exit 1
        done
        exit 1
        ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
