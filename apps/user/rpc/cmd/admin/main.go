// Command admin gives an existing account a role: `admin` (the default) or `customer` again. A
// new admin's access tokens carry the role from their next login or refresh; demoting an admin
// ends all of their sessions at once. It reads the database and Redis from user-rpc's own YAML
// (USER_DB_DSN and the other environment overrides apply).
//
//	go run ./apps/user/rpc/cmd/admin [-f apps/user/rpc/etc/user-rpc.yaml] [-role admin|customer] <email>
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"zeromall/apps/user/rpc/internal/accounts"
	"zeromall/apps/user/rpc/internal/config"
	"zeromall/apps/user/rpc/internal/svc"
	"zeromall/pkg/confx"
	"zeromall/pkg/store"

	"github.com/zeromicro/go-zero/core/logx"
)

var (
	configFile = flag.String("f", "apps/user/rpc/etc/user-rpc.yaml", "user-rpc's config file")
	role       = flag.String("role", "admin", "the role to give: admin or customer")
)

func main() {
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: admin [-role admin|customer] <email>")
		os.Exit(2)
	}
	var c config.Config
	if err := confx.Load(*configFile, &c); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	logx.Disable()
	db := store.NewConn(c.DB.DataSource) // user-rpc applies the migrations; this only sets a role
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := run(ctx, svc.NewServiceContext(c, db).Accounts, flag.Arg(0), *role, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "admin:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, users *accounts.Service, email, role string, out io.Writer) error {
	u, ended, err := users.SetRole(ctx, email, role)
	if err != nil {
		return err
	}
	if ended > 0 {
		_, err = fmt.Fprintf(out, "user %d (%s) is now %s; %d session(s) ended\n", u.ID, u.Email, u.Role, ended)
		return err
	}
	_, err = fmt.Fprintf(out, "user %d (%s) is now %s, from their next login or token refresh\n", u.ID, u.Email, u.Role)
	return err
}
