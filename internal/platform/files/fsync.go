package files

import (
	"fmt"
	"os"
	"runtime"
)

// syncDir makes a directory's entries durable: after a rename, the file's data
// is on disk (fsynced before) but the new name is not until its directory is.
// Windows cannot fsync a directory; its renames are journalled by NTFS.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("files: open directory for sync: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("files: sync directory: %w", err)
	}
	return nil
}
