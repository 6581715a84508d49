package pgtest

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestStart(t *testing.T) {
	s := Start(t)
	conn := s.CreateDB(t, "x")
	Exec(t, conn, "CREATE TABLE t (a int)", "INSERT INTO t VALUES (1), (2)")
	// Over TCP with the password.
	tcp, err := pgx.Connect(context.Background(), s.URL("x"))
	if err != nil {
		t.Fatal(err)
	}
	defer tcp.Close(context.Background())
	var n int
	if err := tcp.QueryRow(context.Background(), "SELECT sum(a) FROM t").Scan(&n); err != nil || n != 3 {
		t.Fatalf("sum = %d, %v", n, err)
	}
}
