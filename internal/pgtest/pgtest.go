// Package pgtest starts a private PostgreSQL server for a test: Debian's
// postgresql binaries (initdb, postgres), a data directory and a Unix
// socket under the test's temporary directory, TCP on a free loopback
// port with password authentication, stopped and removed when the test
// ends. Only tests import it.
//
// The binaries are looked for in $HIERVEC_PG_BIN, then in
// /usr/lib/postgresql/*/bin (the newest version), then on the PATH; when
// none is found the test is skipped with a message naming them. The
// server refuses to run as root, so when the test runs as root (as CI
// does) initdb and postgres run as the "postgres" system user that
// Debian's package creates, through the process credentials; without such
// a user the test is skipped, saying so.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// User is the superuser of the test server.
const User = "hiervec"

// Server is a running test server.
type Server struct {
	Port      int
	SocketDir string
	Password  string // User's password, needed over TCP
	log       string
}

// Start starts a server for t, or skips t when PostgreSQL's binaries are
// absent. The server is stopped and its files removed when t ends.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := binDir()
	if bin == "" {
		t.Skip("PostgreSQL server binaries (initdb, postgres) not found in $HIERVEC_PG_BIN, /usr/lib/postgresql/*/bin or on the PATH; install Debian's postgresql package")
	}
	var cred *syscall.Credential
	var uid, gid int = -1, -1
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skip("running as root and there is no \"postgres\" system user to run the PostgreSQL server as (the server refuses root); install Debian's postgresql package, which creates it, or run the tests as another user")
		}
		uid, _ = strconv.Atoi(u.Uid)
		gid, _ = strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}
	}
	dir := t.TempDir()
	if cred != nil {
		// The server's user must reach its directories: let it through
		// the test's temporary directories, and own its own.
		for p := dir; p != filepath.Dir(p) && strings.HasPrefix(p, os.TempDir()) && p != filepath.Clean(os.TempDir()); p = filepath.Dir(p) {
			if st, err := os.Stat(p); err == nil && st.Mode().Perm()&0o011 != 0o011 {
				if err := os.Chmod(p, st.Mode().Perm()|0o011); err != nil {
					t.Fatalf("pgtest: %v", err)
				}
			}
		}
	}
	data, sock := filepath.Join(dir, "data"), filepath.Join(dir, "sock")
	pw := make([]byte, 12)
	if _, err := rand.Read(pw); err != nil {
		t.Fatal(err)
	}
	s := &Server{SocketDir: sock, Password: hex.EncodeToString(pw), log: filepath.Join(dir, "server.log")}
	pwFile := filepath.Join(dir, "pwfile")
	if err := os.WriteFile(pwFile, []byte(s.Password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(sock, 0o700); err != nil {
		t.Fatal(err)
	}
	if cred != nil {
		for _, p := range []string{dir, sock, pwFile} {
			if err := os.Chown(p, uid, gid); err != nil {
				t.Fatalf("pgtest: %v", err)
			}
		}
	}
	command := func(name string, args ...string) *exec.Cmd {
		c := exec.Command(filepath.Join(bin, name), args...)
		c.Dir = dir
		c.Env = []string{"LC_ALL=C", "HOME=" + dir, "PATH=" + bin + ":/usr/bin:/bin"}
		c.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Setpgid: true, Pdeathsig: syscall.SIGKILL}
		return c
	}
	out, err := command("initdb", "-D", data, "-U", User, "--auth-local=trust", "--auth-host=scram-sha-256",
		"--pwfile="+pwFile, "--no-sync", "-E", "UTF8", "--locale=C").CombinedOutput()
	if err != nil {
		t.Fatalf("pgtest: initdb: %v\n%s", err, out)
	}
	var srv *exec.Cmd
	for try := 0; ; try++ {
		s.Port = freePort(t)
		logf, err := os.Create(s.log)
		if err != nil {
			t.Fatal(err)
		}
		srv = command("postgres", "-D", data, "-p", strconv.Itoa(s.Port), "-k", sock,
			"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
			"-c", "full_page_writes=off", "-c", "max_connections=20", "-c", "shared_buffers=16MB")
		srv.Stdout, srv.Stderr = logf, logf
		if err := srv.Start(); err != nil {
			logf.Close()
			t.Fatalf("pgtest: start postgres: %v", err)
		}
		logf.Close()
		exited := make(chan error, 1)
		go func() { exited <- srv.Wait() }()
		if err := s.waitReady(exited); err == nil {
			t.Cleanup(func() {
				srv.Process.Signal(syscall.SIGQUIT) // immediate shutdown: the data is thrown away
				select {
				case <-exited:
				case <-time.After(10 * time.Second):
					srv.Process.Kill()
					<-exited
				}
			})
			return s
		} else if try == 2 {
			srv.Process.Kill()
			t.Fatalf("pgtest: the server did not start: %v\n%s", err, s.Log())
		}
		srv.Process.Kill() // most likely the port was taken meanwhile: try another
		<-exited
	}
}

// waitReady waits until the server accepts a connection over its socket.
func (s *Server) waitReady(exited <-chan error) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		conn, err := pgx.Connect(ctx, s.SocketURL("postgres"))
		cancel()
		if err == nil {
			conn.Close(context.Background())
			return nil
		}
		select {
		case e := <-exited:
			return fmt.Errorf("postgres exited: %v", e)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return err
		}
	}
}

// Log returns the server's log.
func (s *Server) Log() string {
	b, _ := os.ReadFile(s.log)
	return string(b)
}

// URL returns the URL of database db over TCP, with User's password.
func (s *Server) URL(db string) string {
	return fmt.Sprintf("postgres://%s:%s@127.0.0.1:%d/%s?sslmode=disable", User, s.Password, s.Port, db)
}

// SocketURL returns the URL of database db over the Unix socket, where no
// password is asked.
func (s *Server) SocketURL(db string) string {
	return fmt.Sprintf("postgres://%s@/%s?host=%s&port=%d&sslmode=disable", User, db, s.SocketDir, s.Port)
}

// CreateDB creates database name and returns a connection to it, closed
// when t ends.
func (s *Server) CreateDB(t testing.TB, name string) *pgx.Conn {
	t.Helper()
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, s.SocketURL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, s.SocketURL(name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// Exec runs statements on conn, failing t on the first error.
func Exec(t testing.TB, conn *pgx.Conn, statements ...string) {
	t.Helper()
	for _, q := range statements {
		if _, err := conn.Exec(context.Background(), q); err != nil {
			t.Fatalf("pgtest: %v\n%s", err, q)
		}
	}
}

// binDir finds the directory of initdb and postgres.
func binDir() string {
	has := func(d string) bool {
		for _, n := range []string{"initdb", "postgres"} {
			if st, err := os.Stat(filepath.Join(d, n)); err != nil || st.IsDir() {
				return false
			}
		}
		return true
	}
	if d := os.Getenv("HIERVEC_PG_BIN"); d != "" && has(d) {
		return d
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { return version(b) - version(a) })
	for _, d := range dirs {
		if has(d) {
			return d
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil && has(filepath.Dir(p)) {
		return filepath.Dir(p)
	}
	return ""
}

// version reads the major version of /usr/lib/postgresql/N/bin.
func version(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
