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

/// Takes group and other permissions off `dir` and everything in it (files 0600 at most,
/// directories 0700 at most), without following links: a data directory written by an
/// earlier pvara, or copied with `cp -r`, is readable by every local user until then. Returns
/// how many entries were changed, for the start-up log.
#[cfg(unix)]
pub fn tighten(dir: &Path) -> std::io::Result<usize> {
    use std::os::unix::fs::PermissionsExt;
    let mut changed = 0;
    let mut pending = vec![dir.to_path_buf()];
    while let Some(path) = pending.pop() {
        let metadata = std::fs::symlink_metadata(&path)?;
        if metadata.file_type().is_symlink() {
            continue;
        }
        let mode = metadata.permissions().mode() & 0o7777;
        if mode & 0o077 != 0 {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode & 0o700))?;
            changed += 1;
        }
        if metadata.is_dir() {
            for entry in std::fs::read_dir(&path)? {
                pending.push(entry?.path());
            }
        }
    }
    Ok(changed)
}

#[cfg(not(unix))]
pub fn tighten(_dir: &Path) -> std::io::Result<usize> {
    Ok(0)
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

    #[test]
    fn an_old_world_readable_directory_is_tightened() {
        let root = tempfile::tempdir().unwrap();
        let data = root.path().join("data");
        std::fs::create_dir_all(data.join("mail")).unwrap();
        for (path, mode) in [
            (data.join("pvara.db"), 0o644),
            (data.join("mail/2026.mbox"), 0o664),
            (data.join("own.lock"), 0o600),
        ] {
            std::fs::write(&path, b"x").unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(data.join("mail"), std::fs::Permissions::from_mode(0o775)).unwrap();
        assert_eq!(tighten(&data).unwrap(), 4);
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(&data.join("mail")), 0o700);
        assert_eq!(mode(&data.join("pvara.db")), 0o600);
        assert_eq!(mode(&data.join("mail/2026.mbox")), 0o600);
        assert_eq!(tighten(&data).unwrap(), 0, "nothing left to change");
    }
}
