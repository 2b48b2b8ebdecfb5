package bench

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"

	"kopit/internal/platform/db"
)

// resetPeakRSS resets the kernel's high-water mark of a process's resident
// set (VmHWM) to its current RSS, so that the next reading is the peak of one
// scenario. Linux ≥ 4.0; false where it cannot.
func resetPeakRSS(pid int) bool {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0) == nil
}

// peakRSS is VmHWM of a process in bytes (0 where /proc is missing).
func peakRSS(pid int) int64 {
	return procStatus(fmt.Sprintf("/proc/%d/status", pid), "VmHWM:")
}

// procStatus reads a "Key:   123 kB" line of a /proc status-like file.
func procStatus(path, key string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, key) {
			continue
		}
		fields := strings.Fields(strings.TrimPrefix(line, key))
		if len(fields) == 0 {
			return 0
		}
		n, _ := strconv.ParseInt(fields[0], 10, 64)
		if len(fields) > 1 && fields[1] == "kB" {
			n *= 1024
		}
		return n
	}
	return 0
}

// dbSize is the database's size on disk: for SQLite the database file and
// its write-ahead log, for PostgreSQL every table of the schema with its
// indexes and TOAST (pg_total_relation_size; the server's own WAL is not
// counted).
func dbSize(ctx context.Context, d *db.DB, sqlitePath string) (int64, error) {
	if d.Dialect() == db.Postgres {
		var n int64
		err := d.QueryRowContext(ctx, `SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c
			JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'm')`).Scan(&n)
		return n, err
	}
	var total int64
	for _, p := range []string{sqlitePath, sqlitePath + "-wal"} {
		fi, err := os.Stat(p)
		if err == nil {
			total += fi.Size()
		} else if !os.IsNotExist(err) {
			return 0, err
		}
	}
	return total, nil
}

// Machine describes where the benchmark ran.
type Machine struct {
	OS        string `json:"os"`
	Arch      string `json:"arch"`
	Kernel    string `json:"kernel,omitempty"`
	CPUModel  string `json:"cpu_model,omitempty"`
	CPUs      int    `json:"cpus"`
	MemoryGiB int64  `json:"memory_gib,omitempty"`
	Go        string `json:"go"`
}

func machine() Machine {
	m := Machine{OS: runtime.GOOS, Arch: runtime.GOARCH, CPUs: runtime.NumCPU(), Go: runtime.Version()}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.Join(strings.Fields(v), " ")
				break
			}
		}
		f.Close()
	}
	if n := procStatus("/proc/meminfo", "MemTotal:"); n > 0 {
		m.MemoryGiB = (n + 1<<29) >> 30
	}
	return m
}

func (m Machine) String() string {
	s := fmt.Sprintf("%s/%s, %d CPUs", m.OS, m.Arch, m.CPUs)
	if m.CPUModel != "" {
		s += " (" + m.CPUModel + ")"
	}
	if m.MemoryGiB > 0 {
		s += fmt.Sprintf(", %d GiB RAM", m.MemoryGiB)
	}
	if m.Kernel != "" {
		s += ", Linux " + m.Kernel
	}
	return s + ", " + m.Go
}

// cpuSample is the machine's CPU time and that of the harness and the server,
// in clock ticks, to tell how much of the machine a scenario used and how
// much other processes took meanwhile (a shared machine makes noisy figures;
// the report shows it).
type cpuSample struct {
	busy, total int64 // all CPUs, from /proc/stat
	self, srv   int64 // utime+stime of the harness and of the server process
	db          int64 // utime+stime of the local PostgreSQL's processes
	ok          bool
}

// sampleCPU takes a sample; withDB adds up the processes named "postgres"
// (the database server on this machine does kopit's work too).
func sampleCPU(serverPID int, withDB bool) cpuSample {
	var s cpuSample
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return s
	}
	line, _, _ := strings.Cut(string(b), "\n")
	fields := strings.Fields(line)
	if len(fields) < 8 || fields[0] != "cpu" {
		return s
	}
	for i, f := range fields[1:] {
		n, _ := strconv.ParseInt(f, 10, 64)
		if i >= 8 { // guest time is already in user
			break
		}
		s.total += n
		if i != 3 && i != 4 { // idle, iowait
			s.busy += n
		}
	}
	s.self = procTicks(os.Getpid())
	if serverPID != os.Getpid() {
		s.srv = procTicks(serverPID)
	}
	if withDB {
		s.db = postgresTicks()
	}
	s.ok = s.total > 0
	return s
}

// postgresTicks adds up the CPU time of every process named postgres. A
// backend that ends between two samples loses its ticks; the pools keep
// their connections, so that is rare.
func postgresTicks() int64 {
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	var sum int64
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + d.Name() + "/comm")
		if err != nil || strings.TrimSpace(string(b)) != "postgres" {
			continue
		}
		sum += procTicks(pid)
	}
	return sum
}

// procTicks is a process's user and system time (with its waited-for
// children) in clock ticks.
func procTicks(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	// after the name: state(0) ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime(11) stime(12)
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return u + st
}

// cpuShares returns the shares of the machine's CPU (0–1, all cores) that
// the server, the local database server and other processes (neither the
// harness nor those two) used between two samples.
func cpuShares(a, b cpuSample) (server, database, other float64) {
	total := float64(b.total - a.total)
	if !a.ok || !b.ok || total <= 0 {
		return 0, 0, 0
	}
	self, srv, dbt := float64(b.self-a.self), float64(b.srv-a.srv), float64(b.db-a.db)
	if a.srv == 0 && b.srv == 0 { // in-process: the server is the harness
		srv, self = self, 0
	}
	others := float64(b.busy-a.busy) - srv - self - dbt
	return srv / total, max(0, dbt/total), max(0, others/total)
}
