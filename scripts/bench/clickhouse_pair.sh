# Sourced by benchmarks: `start_clickhouse_pair DIR CLUSTER` starts two clickhouse-server
# processes on 127.0.0.2 and 127.0.0.3 (free HTTP, TCP and interserver ports, the same on both),
# configured as the two-shard cluster CLUSTER, with their data under DIR; sets `http` (the HTTP
# port) and appends the servers' pids to `pids`, and returns when both answer /ping. The caller
# kills `pids` when it ends. `clickhouse_profile_settings`, when set, goes into the users'
# default profile (XML, e.g. <log_queries>1</log_queries>).
start_clickhouse_pair() {
  local servers=$1 cluster=$2 tcp interserver shard host dir
  read -r http tcp interserver < <(python3 -c '
import random, socket
def free(port):
    for host in ("127.0.0.2", "127.0.0.3"):
        s = socket.socket()
        try: s.bind((host, port))
        except OSError: return False
        finally: s.close()
    return True
ports = []
while len(ports) < 3:
    p = random.randint(20000, 60000)
    if p not in ports and free(p): ports.append(p)
print(*ports)')
  for shard in 1 2; do
    host=127.0.0.$((shard + 1)); dir="$servers/shard$shard"; mkdir -p "$dir"
    cat >"$dir/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$dir/server.log</log><errorlog>$dir/error.log</errorlog><console>0</console></logger>
  <listen_host>$host</listen_host><http_port>$http</http_port><tcp_port>$tcp</tcp_port>
  <interserver_http_port>$interserver</interserver_http_port><interserver_http_host>$host</interserver_http_host>
  <path>$dir/data/</path><tmp_path>$dir/tmp/</tmp_path><user_files_path>$dir/user_files/</user_files_path>
  <format_schema_path>$dir/format_schemas/</format_schema_path>
  <users_config>users.xml</users_config><default_profile>default</default_profile><default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
  <remote_servers><$cluster>
    <shard><replica><host>127.0.0.2</host><port>$tcp</port></replica></shard>
    <shard><replica><host>127.0.0.3</host><port>$tcp</port></replica></shard>
  </$cluster></remote_servers>
</yandex>
XML
    cat >"$dir/users.xml" <<XML
<?xml version="1.0"?>
<yandex><profiles><default>${clickhouse_profile_settings:-}</default></profiles>
<users><default><password></password><networks><ip>127.0.0.0/8</ip></networks><profile>default</profile><quota>default</quota></default></users>
<quotas><default></default></quotas></yandex>
XML
    clickhouse-server --config-file="$dir/config.xml" >"$dir/stdout" 2>&1 &
    pids+=($!)
  done
  for host in 127.0.0.2 127.0.0.3; do
    for _ in $(seq 1 100); do curl -sf "http://$host:$http/ping" >/dev/null && break; sleep 0.2; done
  done
}
