//! `precompress FILE…`: writes `FILE.br` (brotli, quality 11) and `FILE.gz`
//! (gzip, level 9) beside each file and prints one line per file:
//! `path<TAB>raw bytes<TAB>brotli bytes<TAB>gzip bytes`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let files: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if files.is_empty() {
        eprintln!("usage: precompress FILE…");
        return ExitCode::from(2);
    }
    for file in &files {
        match precompress(file) {
            Ok((raw, br, gz)) => println!("{}\t{raw}\t{br}\t{gz}", file.display()),
            Err(e) => {
                eprintln!("precompress: {}: {e}", file.display());
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}

fn precompress(file: &Path) -> std::io::Result<(usize, usize, usize)> {
    let raw = std::fs::read(file)?;
    let mut br = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut raw.as_slice(), &mut br, &params)?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&raw)?;
    let gz = gz.finish()?;
    write_beside(file, "br", &br)?;
    write_beside(file, "gz", &gz)?;
    Ok((raw.len(), br.len(), gz.len()))
}

/// Writes `<file>.<ext>` by a rename, so a server never reads half a file.
fn write_beside(file: &Path, ext: &str, bytes: &[u8]) -> std::io::Result<()> {
    let mut name = file.as_os_str().to_owned();
    name.push(".");
    name.push(ext);
    let target = PathBuf::from(name);
    let mut partial = target.clone().into_os_string();
    partial.push(".part");
    std::fs::write(&partial, bytes)?;
    std::fs::rename(&partial, &target)
}
