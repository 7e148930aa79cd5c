#!/bin/sh
# HAProxy's check of a Galera node (deploy/ha/haproxy.cfg): it may take writes only while it is in
# the Primary component (a majority of the cluster) and Synced (wsrep_local_state 4). A node cut
# off into a minority, or still receiving its state, fails the check.
# Arguments, as HAProxy passes them: proxy address, proxy port, node address, node port.
state=$(mariadb -h"$3" -P"$4" -uroot --connect-timeout=2 -N -B -e "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS
	WHERE VARIABLE_NAME IN ('wsrep_cluster_status', 'wsrep_local_state') ORDER BY VARIABLE_NAME" 2>/dev/null | tr '\n' ' ')
[ "$state" = "Primary 4 " ]
