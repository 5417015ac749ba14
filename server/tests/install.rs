//! The release archive and its installer with the real binary:
//! `scripts/package.sh` packs a dist folder, the archive is unpacked, and
//! `install.sh` installs it into a temporary prefix twice (the second run
//! is an upgrade: same files, settings kept). The installed server starts
//! from the installed settings file and answers `/healthz`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn root() -> PathBuf {
    common::workspace_root()
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("command runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{cmd:?} failed:\n{text}");
    text
}

/// Relative paths of every file under `dir`, sorted, with their modes.
fn tree(dir: &Path) -> Vec<(String, u32)> {
    use std::os::unix::fs::PermissionsExt;
    let mut files = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir") {
            let entry = entry.expect("entry");
            let path = entry.path();
            let meta = entry.metadata().expect("metadata");
            if meta.is_dir() {
                stack.push(path.clone());
            }
            let rel = path.strip_prefix(dir).unwrap().display().to_string();
            files.push((rel, meta.permissions().mode() & 0o7777));
        }
    }
    files.sort();
    files
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn release_archive_installs_into_a_prefix_and_runs() {
    let work = tempfile::tempdir().expect("temp dir");
    // A dist folder as scripts/build.sh lays it out, with the binary under test.
    let dist = work.path().join("dist");
    std::fs::create_dir_all(dist.join("site/pkg")).unwrap();
    std::fs::write(dist.join("site/pkg/ikz_werkstatt.css"), "body{}").unwrap();
    std::fs::copy(
        env!("CARGO_BIN_EXE_ikz-werkstatt"),
        dist.join("ikz-werkstatt"),
    )
    .unwrap();
    let out_dir = work.path().join("out");
    let packed = run(Command::new("bash")
        .arg(root().join("scripts/package.sh"))
        .arg(&out_dir)
        .env("IKZ_DIST", &dist)
        .env("IKZ_ARCH", "x86_64"));
    let version = common::workspace_version();
    let name = format!("ikz-werkstatt-{version}-linux-x86_64");
    let archive = out_dir.join(format!("{name}.tar.gz"));
    assert!(archive.is_file(), "{packed}");
    run(Command::new("sha256sum")
        .arg("--check")
        .arg(format!("{name}.tar.gz.sha256"))
        .current_dir(&out_dir));
    let listing = run(Command::new("tar").arg("tzvf").arg(&archive));
    for member in [
        "ikz-werkstatt",
        "site/pkg/ikz_werkstatt.css",
        "install.sh",
        "ikz-werkstatt.service",
        "nginx.conf.example",
        "INSTALL.md",
        "LICENSE",
    ] {
        assert!(
            listing.contains(&format!("{name}/{member}")),
            "{member} missing:\n{listing}"
        );
    }
    assert!(
        listing.lines().all(|l| l.contains(" 0/0 ")),
        "owner not root:\n{listing}"
    );

    let unpacked = work.path().join("unpacked");
    std::fs::create_dir_all(&unpacked).unwrap();
    run(Command::new("tar")
        .arg("xzf")
        .arg(&archive)
        .arg("-C")
        .arg(&unpacked));
    let prefix = work.path().join("opt/ikz-werkstatt");
    let data = work.path().join("var/lib/ikz-werkstatt");
    let etc = work.path().join("etc/ikz-werkstatt");
    let install = || {
        run(Command::new("bash")
            .arg(unpacked.join(&name).join("install.sh"))
            .arg("--prefix")
            .arg(&prefix)
            .arg("--data-dir")
            .arg(&data)
            .arg("--config-dir")
            .arg(&etc)
            .args(["--no-user", "--no-systemd"]))
    };
    let first = install();
    assert!(first.contains("wrote"), "{first}");
    let installed = tree(&prefix);
    let names: Vec<&str> = installed.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "INSTALL.md",
            "LICENSE",
            "ikz-werkstatt",
            "nginx.conf.example",
            "site",
            "site/pkg",
            "site/pkg/ikz_werkstatt.css"
        ]
    );
    assert!(
        installed.contains(&("ikz-werkstatt".into(), 0o755)),
        "{installed:?}"
    );
    let env_file = etc.join("ikz-werkstatt.env");
    let settings = std::fs::read_to_string(&env_file).expect("settings file");
    assert!(
        settings.contains(&format!("IKZ_DATA_DIR={}", data.display())),
        "{settings}"
    );
    assert!(data.is_dir());

    // Again: an upgrade in place. Same files, the administrator's settings kept.
    let edited = settings.replace("IKZ_LISTEN=127.0.0.1:3000", "IKZ_LISTEN=127.0.0.1:0");
    std::fs::write(&env_file, &edited).unwrap();
    let second = install();
    assert!(second.contains("kept"), "{second}");
    assert_eq!(tree(&prefix), installed);
    assert_eq!(std::fs::read_to_string(&env_file).unwrap(), edited);
    let version_out = run(Command::new(prefix.join("ikz-werkstatt")).arg("--version"));
    assert!(version_out.contains(&version), "{version_out}");

    // The installed program runs from the installed settings.
    let addr = common::binary::free_addr();
    let mut server = tokio::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -a; . {}; set +a; exec {} --listen {addr}",
            env_file.display(),
            prefix.join("ikz-werkstatt").display()
        ))
        .env("LEPTOS_OUTPUT_NAME", "ikz_werkstatt")
        .env_remove("DATABASE_URL")
        .env_remove("IKZ_DATA_DIR")
        .kill_on_drop(true)
        .spawn()
        .expect("start installed server");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !common::binary::healthy(addr).await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "installed server not healthy"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        data.join("ikz-werkstatt.db").is_file(),
        "database not in the data dir"
    );
    server.kill().await.expect("stop");
}
