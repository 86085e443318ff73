/** Pod volumes (ValidateVolumes / validateVolumeSource) for the sources users write by hand. */
import type { KeyToPath, Volume } from "kubernetes-types/core/v1.js";
import type { FieldError } from "../status.js";
import { duplicate, forbidden, invalid, notSupported, required } from "./errors.js";
import { isDNS1123Label } from "./names.js";

const FILE_MODE_ERROR = "must be a number between 0 and 0777 (octal), both inclusive";

/** validatePathNoBacksteps. */
export function validatePathNoBacksteps(target: string, path: string): FieldError[] {
  return target.split("/").includes("..") ? [invalid(path, target, "must not contain '..'")] : [];
}

/** validateLocalDescendingPath. */
export function validateLocalDescendingPath(target: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (target.startsWith("/")) errs.push(invalid(path, target, "must be a relative path"));
  errs.push(...validatePathNoBacksteps(target, path));
  return errs;
}

function validateMode(mode: number | undefined, path: string): FieldError[] {
  return mode !== undefined && (mode > 0o777 || mode < 0) ? [invalid(path, mode, FILE_MODE_ERROR)] : [];
}

function validateKeyToPaths(items: readonly KeyToPath[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (items ?? []).forEach((kp, i) => {
    const at = `${path}[${i}]`;
    if (!kp.key) errs.push(required(`${at}.key`));
    if (!kp.path) errs.push(required(`${at}.path`));
    errs.push(...validateLocalDescendingPath(kp.path ?? "", `${at}.path`));
    if ((kp.path ?? "").startsWith("..") && !(kp.path ?? "").startsWith("../")) {
      errs.push(invalid(`${at}.path`, kp.path, "must not start with '..'"));
    }
    errs.push(...validateMode(kp.mode, `${at}.mode`));
  });
  return errs;
}

const HOST_PATH_TYPES = [
  "",
  "BlockDevice",
  "CharDevice",
  "Directory",
  "DirectoryOrCreate",
  "File",
  "FileOrCreate",
  "Socket",
];

/** The VolumeSource members in upstream's checking order, with the path upstream reports each one at. */
const SOURCES: readonly (readonly [key: string, reportedAs: string])[] = [
  ["emptyDir", "emptyDir"],
  ["hostPath", "hostPath"],
  ["gitRepo", "gitRepo"],
  ["gcePersistentDisk", "gcePersistentDisk"],
  ["awsElasticBlockStore", "awsElasticBlockStore"],
  ["secret", "secret"],
  ["nfs", "nfs"],
  ["iscsi", "iscsi"],
  ["glusterfs", "glusterfs"],
  ["flocker", "flocker"],
  ["persistentVolumeClaim", "persistentVolumeClaim"],
  ["rbd", "rbd"],
  ["cinder", "cinder"],
  ["cephfs", "cephFS"],
  ["quobyte", "quobyte"],
  ["downwardAPI", "downwarAPI"],
  ["fc", "fc"],
  ["flexVolume", "flexVolume"],
  ["configMap", "configMap"],
  ["azureFile", "azureFile"],
  ["vsphereVolume", "vsphereVolume"],
  ["photonPersistentDisk", "photonPersistentDisk"],
  ["portworxVolume", "portworxVolume"],
  ["azureDisk", "azureDisk"],
  ["storageos", "storageos"],
  ["projected", "projected"],
  ["scaleIO", "scaleIO"],
  ["csi", "csi"],
  ["ephemeral", "ephemeral"],
  ["image", "image"],
];

function validateSource(vol: Volume, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const v = vol as unknown as Record<string, unknown>;
  let n = 0;
  for (const [key, reportedAs] of SOURCES) {
    if (v[key] === undefined || v[key] === null) continue;
    if (n > 0) {
      errs.push(forbidden(`${path}.${reportedAs}`, "may not specify more than 1 volume type"));
      continue;
    }
    n++;
    const at = `${path}.${key}`;
    switch (key) {
      case "hostPath": {
        const hp = vol.hostPath!;
        if (!hp.path) {
          errs.push(required(`${at}.path`));
          break;
        }
        errs.push(...validatePathNoBacksteps(hp.path, `${at}.path`));
        if (hp.type !== undefined && hp.type !== null && !HOST_PATH_TYPES.includes(hp.type)) {
          errs.push(notSupported(`${at}.type`, hp.type, HOST_PATH_TYPES));
        }
        break;
      }
      case "secret": {
        const s = vol.secret!;
        if (!s.secretName) errs.push(required(`${at}.secretName`));
        errs.push(...validateMode(s.defaultMode, `${at}.defaultMode`));
        errs.push(...validateKeyToPaths(s.items, `${at}.items`));
        break;
      }
      case "configMap": {
        const c = vol.configMap!;
        if (!c.name) errs.push(required(`${at}.name`));
        errs.push(...validateMode(c.defaultMode, `${at}.defaultMode`));
        errs.push(...validateKeyToPaths(c.items, `${at}.items`));
        break;
      }
      case "persistentVolumeClaim":
        if (!vol.persistentVolumeClaim!.claimName) errs.push(required(`${at}.claimName`));
        break;
      case "nfs": {
        const nfs = vol.nfs!;
        if (!nfs.server) errs.push(required(`${at}.server`));
        if (!nfs.path) errs.push(required(`${at}.path`));
        else if (!nfs.path.startsWith("/")) errs.push(invalid(`${at}.path`, nfs.path, "must be an absolute path"));
        break;
      }
      case "csi":
        if (!vol.csi!.driver) errs.push(required(`${at}.driver`));
        break;
      case "downwardAPI":
        errs.push(...validateMode(vol.downwardAPI!.defaultMode, `${at}.defaultMode`));
        break;
      case "projected":
        errs.push(...validateMode(vol.projected!.defaultMode, `${at}.defaultMode`));
        break;
    }
  }
  if (n === 0) errs.push(required(path, "must specify a volume type"));
  return errs;
}

/** ValidateVolumes: returns the valid volumes by name (for mount checks) and the errors. */
export function validateVolumes(
  volumes: readonly Volume[] | undefined,
  path: string,
): { byName: Map<string, Volume>; errors: FieldError[] } {
  const byName = new Map<string, Volume>();
  const errors: FieldError[] = [];
  (volumes ?? []).forEach((vol, i) => {
    const at = `${path}[${i}]`;
    const el = validateSource(vol, at);
    if (!vol.name) el.push(required(`${at}.name`));
    else for (const m of isDNS1123Label(vol.name)) el.push(invalid(`${at}.name`, vol.name, m));
    if (byName.has(vol.name)) el.push(duplicate(`${at}.name`, vol.name));
    if (el.length === 0) byName.set(vol.name, vol);
    else errors.push(...el);
  });
  return { byName, errors };
}
