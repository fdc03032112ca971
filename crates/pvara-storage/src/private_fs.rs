//! Files and directories only pvara's own user may read: the database, the mail and the keys
//! hold personal data and secrets, so they are created 0600 in 0700 directories whatever the
//! umask says.

use std::fs::OpenOptions;
use std::path::Path;

/// Creates `path` and any missing parents with mode 0700.
pub fn create_dir_all(path: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

/// Options that create a file with mode 0600.
pub fn file_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn created_private() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a/b");
        create_dir_all(&dir).unwrap();
        let file = dir.join("f");
        file_options().write(true).create_new(true).open(&file).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            (mode(&dir), mode(&root.path().join("a")), mode(&file)),
            (0o700, 0o700, 0o600)
        );
    }
}
