// Packs a root file system folder into an OCI image archive that `ctr images import`
// accepts: one uncompressed layer, an image config, a manifest, and an index whose
// io.containerd.image.name annotation names the image. No registry is involved.
// usage: node pack-image.mjs NAME ROOTFS_DIR OUT.tar '["/entrypoint","arg"]' ['{OPTIONS}']
// OPTIONS (JSON, all optional): user ("10001:10001"), env (["K=V"], replaces the default PATH
// only if it sets PATH), workingDir, labels ({k: v}), gzip (true: a gzip-compressed layer,
// written without a file name or time so the digest stays the same for the same input).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, gzipSync } from 'node:zlib';

const [name, rootfs, out, entrypointJson, optionsJson] = process.argv.slice(2);
if (!name || !rootfs || !out || !entrypointJson) {
  console.error('usage: pack-image.mjs NAME ROOTFS_DIR OUT.tar ENTRYPOINT_JSON');
  process.exit(2);
}
const entrypoint = JSON.parse(entrypointJson);
const options = optionsJson ? JSON.parse(optionsJson) : {};
const defaultPath = 'PATH=/bin:/usr/bin:/sbin:/usr/sbin';
const env = options.env?.some((entry) => entry.startsWith('PATH=')) ? options.env : [defaultPath, ...(options.env ?? [])];
const work = mkdtempSync(join(tmpdir(), 'tapio-image-'));
const blobs = join(work, 'blobs', 'sha256');
mkdirSync(blobs, { recursive: true });
const sha = (bytes) => createHash('sha256').update(bytes).digest('hex');
const putBlob = (bytes) => {
  const digest = sha(bytes);
  writeFileSync(join(blobs, digest), bytes);
  return { digest: `sha256:${digest}`, size: bytes.length };
};

try {
  const layerPath = join(work, 'layer.tar');
  // Fixed owners and times: the same inputs give the same image digest.
  execFileSync('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0',
    '-C', rootfs, '-cf', layerPath, '.']);
  const tarBytes = readFileSync(layerPath);
  rmSync(layerPath);
  // The image config names the uncompressed layer (diff_id); the manifest, the blob as stored.
  const diffId = `sha256:${sha(tarBytes)}`;
  const layerBytes = options.gzip ? gzipSync(tarBytes, { level: constants.Z_BEST_COMPRESSION }) : tarBytes;
  const layer = putBlob(layerBytes);
  const layerType = options.gzip ? 'application/vnd.oci.image.layer.v1.tar+gzip' : 'application/vnd.oci.image.layer.v1.tar';
  const config = putBlob(Buffer.from(JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: {
      Entrypoint: entrypoint,
      Env: env,
      WorkingDir: options.workingDir ?? '/',
      ...(options.user ? { User: options.user } : {}),
      ...(options.labels ? { Labels: options.labels } : {}),
    },
    rootfs: { type: 'layers', diff_ids: [diffId] },
  })));
  const manifest = putBlob(Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [{ mediaType: layerType, ...layer }],
  })));
  writeFileSync(join(work, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(join(work, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      ...manifest,
      platform: { architecture: 'amd64', os: 'linux' },
      annotations: { 'io.containerd.image.name': name, 'org.opencontainers.image.ref.name': name.split(':').pop() },
    }],
  }));
  execFileSync('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0',
    '-C', work, '-cf', out, 'oci-layout', 'index.json', 'blobs']);
  console.log(`${name}: ${out} (${manifest.digest})`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
