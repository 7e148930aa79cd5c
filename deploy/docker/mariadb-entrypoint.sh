#!/bin/sh
# Entry point of the local MariaDB image (make images-local): the part of the official mariadb
# image's entry point that zeromall's Compose file relies on. An empty data directory is
# initialised with root's password from MARIADB_ROOT_PASSWORD (or MYSQL_ROOT_PASSWORD), for root
# from any host; then mariadbd runs as the mysql user with the arguments given (Compose's command).
set -eu
pw=${MARIADB_ROOT_PASSWORD:-${MYSQL_ROOT_PASSWORD:-}}
mkdir -p /run/mysqld
chown mysql:mysql /run/mysqld /var/lib/mysql
if [ ! -d /var/lib/mysql/mysql ]; then
	[ -n "$pw" ] || { echo "mariadb: set MARIADB_ROOT_PASSWORD for a new data directory" >&2; exit 1; }
	echo "mariadb: initialising /var/lib/mysql"
	mariadb-install-db --user=mysql --datadir=/var/lib/mysql --skip-test-db \
		--auth-root-authentication-method=normal >/dev/null
	quoted=$(printf '%s' "$pw" | sed "s/'/''/g")
	mariadbd --user=mysql --bootstrap --skip-networking --log-warnings=0 <<SQL
FLUSH PRIVILEGES;
ALTER USER 'root'@'localhost' IDENTIFIED BY '$quoted';
CREATE USER 'root'@'%' IDENTIFIED BY '$quoted';
GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;
SQL
fi
exec mariadbd --user=mysql --bind-address=0.0.0.0 "$@"
