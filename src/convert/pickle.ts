/**
 * A tiny, safe pickle interpreter: it understands only the opcodes and globals that `torch.save(state_dict)`
 * emits and rebuilds the state dict as plain data (tensor *descriptions*, never tensors). Nothing is ever
 * imported or called: allowed globals map to built-in handlers below, anything else is refused with
 * `GlinerError("UNSAFE_CHECKPOINT")` before a single following opcode runs.
 */
import { GlinerError } from "../errors.js";

/** A storage reference from BINPERSID: ('storage', <torch.XStorage>, key, location, numel). */
export interface StorageRef {
  readonly kind: "storage";
  readonly dtype: string;
  readonly key: string;
  readonly numel: number;
}

/** A tensor rebuilt by torch._utils._rebuild_tensor_v2 (a view into a storage). */
export interface TensorRef {
  readonly kind: "tensor";
  readonly storage: StorageRef;
  readonly offset: number;
  readonly shape: number[];
  readonly stride: number[];
}

class Global {
  constructor(readonly module: string, readonly name: string) {}
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}
class Mark {}
const MARK = new Mark();

/** Storage classes that may appear as the type of a persistent storage id. */
const STORAGE_TYPES: Record<string, string> = {
  FloatStorage: "F32",
  HalfStorage: "F16",
  BFloat16Storage: "BF16",
  DoubleStorage: "F64",
  LongStorage: "I64",
  IntStorage: "I32",
  ShortStorage: "I16",
  CharStorage: "I8",
  ByteStorage: "U8",
  BoolStorage: "BOOL",
};

const ALLOWED_CALLS = new Set([
  "collections.OrderedDict",
  "torch._utils._rebuild_tensor_v2",
  "torch._utils._rebuild_parameter",
]);

function unsafe(message: string): GlinerError {
  return new GlinerError(
    "UNSAFE_CHECKPOINT",
    `${message} gliner-ts never executes pickled code; convert only checkpoints you trust, or use the model's model.safetensors instead.`,
  );
}

function isAllowedGlobal(module: string, name: string): boolean {
  if (module === "torch" && Object.hasOwn(STORAGE_TYPES, name)) return true;
  return ALLOWED_CALLS.has(`${module}.${name}`);
}

/** Parses a torch `data.pkl` and returns its top-level object (normally a dict of TensorRef). */
export function loadPickle(data: Uint8Array): unknown {
  try {
    return interpret(data);
  } catch (error) {
    if (error instanceof GlinerError) throw error;
    // Invalid UTF-8, absurd lengths and the like: a malformed file, not a gliner-ts bug.
    throw unsafe(`The pickle in this checkpoint is malformed (${(error as Error).message}).`);
  }
}

function interpret(data: Uint8Array): unknown {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const td = new TextDecoder("utf-8", { fatal: true });
  const stack: unknown[] = [];
  const memo = new Map<number, unknown>();
  let pos = 0;

  const need = (n: number): void => {
    if (pos + n > data.length) throw unsafe("The pickle in this checkpoint is truncated.");
  };
  const u8 = (): number => (need(1), data[pos++]!);
  const u16 = (): number => (need(2), (pos += 2), view.getUint16(pos - 2, true));
  const u32 = (): number => (need(4), (pos += 4), view.getUint32(pos - 4, true));
  const i32 = (): number => (need(4), (pos += 4), view.getInt32(pos - 4, true));
  const u64 = (): number => (need(8), (pos += 8), Number(view.getBigUint64(pos - 8, true)));
  const bytes = (n: number): Uint8Array => (need(n), (pos += n), data.subarray(pos - n, pos));
  const str = (n: number): string => td.decode(bytes(n));
  const line = (): string => {
    const end = data.indexOf(0x0a, pos);
    if (end < 0) throw unsafe("The pickle in this checkpoint is truncated.");
    const s = new TextDecoder("latin1").decode(data.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = (): unknown => {
    if (stack.length === 0) throw unsafe("The pickle in this checkpoint is malformed (stack underflow).");
    return stack.pop();
  };
  const popMark = (): unknown[] => {
    for (let i = stack.length - 1; i >= 0; i--) {
      if (stack[i] === MARK) {
        const items = stack.slice(i + 1);
        stack.length = i;
        return items;
      }
    }
    throw unsafe("The pickle in this checkpoint is malformed (no MARK).");
  };
  const pushGlobal = (module: string, name: string): void => {
    if (!isAllowedGlobal(module, name)) {
      throw unsafe(`The checkpoint's pickle references the global "${module}.${name}", which is not a tensor or state-dict type: refused.`);
    }
    stack.push(new Global(module, name));
  };
  const setItems = (target: unknown, items: unknown[]): void => {
    if (!(target instanceof Map)) throw unsafe("The pickle sets items on something that is not a dict.");
    for (let i = 0; i + 1 < items.length; i += 2) target.set(items[i], items[i + 1]);
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: u8(); break; // PROTO
      case 0x95: u64(); break; // FRAME (length only; data follows inline)
      case 0x2e: return pop(); // STOP
      case 0x28: stack.push(MARK); break; // MARK
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x29: stack.push([]); break; // EMPTY_TUPLE (tuples are arrays)
      case 0x74: stack.push(popMark()); break; // TUPLE
      case 0x85: stack.push([pop()]); break; // TUPLE1
      case 0x86: { const b = pop(); stack.push([pop(), b]); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); stack.push([pop(), b, c]); break; } // TUPLE3
      case 0x58: stack.push(str(u32())); break; // BINUNICODE
      case 0x8c: stack.push(str(u8())); break; // SHORT_BINUNICODE
      case 0x8d: stack.push(str(u64())); break; // BINUNICODE8
      case 0x42: stack.push(bytes(u32()).slice()); break; // BINBYTES
      case 0x43: stack.push(bytes(u8()).slice()); break; // SHORT_BINBYTES
      case 0x4a: stack.push(i32()); break; // BININT
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x8a: { // LONG1
        const n = u8();
        const b = bytes(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
        if (n > 0 && b[n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
        stack.push(Number(v));
        break;
      }
      case 0x47: stack.push((need(8), (pos += 8), view.getFloat64(pos - 8, false))); break; // BINFLOAT
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4e: stack.push(null); break; // NONE
      case 0x71: memo.set(u8(), stack.at(-1)); break; // BINPUT
      case 0x72: memo.set(u32(), stack.at(-1)); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, stack.at(-1)); break; // MEMOIZE
      case 0x68: case 0x6a: { // BINGET, LONG_BINGET
        const idx = op === 0x68 ? u8() : u32();
        if (!memo.has(idx)) throw unsafe("The pickle in this checkpoint is malformed (memo miss).");
        stack.push(memo.get(idx));
        break;
      }
      case 0x32: stack.push(stack.at(-1)); break; // DUP
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x63: { const module = line(); pushGlobal(module, line()); break; } // GLOBAL
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== "string" || typeof name !== "string") throw unsafe("Malformed STACK_GLOBAL in pickle.");
        pushGlobal(module, name);
        break;
      }
      case 0x51: stack.push(persistentLoad(pop())); break; // BINPERSID
      case 0x52: { const args = pop(); stack.push(reduce(pop(), args)); break; } // REDUCE
      case 0x73: { const v = pop(); const k = pop(); setItems(stack.at(-1), [k, v]); break; } // SETITEM
      case 0x75: { const items = popMark(); setItems(stack.at(-1), items); break; } // SETITEMS
      case 0x61: { const v = pop(); asList(stack.at(-1)).push(v); break; } // APPEND
      case 0x65: { const items = popMark(); const list = asList(stack.at(-1)); for (const v of items) list.push(v); break; } // APPENDS
      case 0x62: { // BUILD: only plain-data state on dicts (state_dict `_metadata`), which is ignored
        const state = pop();
        const target = stack.at(-1);
        if (!(target instanceof Map) || !(state === null || state instanceof Map)) {
          throw unsafe("The pickle applies BUILD to an object that is not a state dict: refused.");
        }
        break;
      }
      default:
        throw unsafe(`The checkpoint's pickle uses opcode 0x${op.toString(16).padStart(2, "0")} at byte ${pos - 1}, which a tensor state dict never needs: refused.`);
    }
  }
}

function asList(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw unsafe("The pickle appends to something that is not a list.");
  return value;
}

function persistentLoad(pid: unknown): StorageRef {
  if (!Array.isArray(pid) || pid[0] !== "storage" || !(pid[1] instanceof Global)) {
    throw unsafe("The checkpoint's pickle has a persistent id that is not a torch storage: refused.");
  }
  const type = pid[1] as Global;
  const dtype = type.module === "torch" ? STORAGE_TYPES[type.name] : undefined;
  if (dtype === undefined) throw unsafe(`Unknown storage type ${type.qualified} in the checkpoint: refused.`);
  const key = pid[2];
  const numel = pid[4];
  if (typeof key !== "string" || typeof numel !== "number") throw unsafe("Malformed storage id in pickle.");
  return { kind: "storage", dtype, key, numel };
}

function reduce(callable: unknown, args: unknown): unknown {
  if (!(callable instanceof Global) || !ALLOWED_CALLS.has(callable.qualified) || !Array.isArray(args)) {
    const what = callable instanceof Global ? callable.qualified : typeof callable;
    throw unsafe(`The checkpoint's pickle calls ${what}, which is not allowed: refused.`);
  }
  switch (callable.qualified) {
    case "collections.OrderedDict":
      if (args.length !== 0) throw unsafe("OrderedDict called with arguments in pickle: refused.");
      return new Map();
    case "torch._utils._rebuild_parameter":
      return args[0];
    default: {
      const [storage, offset, shape, stride] = args as [unknown, unknown, unknown, unknown];
      const ints = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => Number.isInteger(x));
      if ((storage as StorageRef)?.kind !== "storage" || !Number.isInteger(offset) || !ints(shape) || !ints(stride)) {
        throw unsafe("Malformed _rebuild_tensor_v2 call in pickle.");
      }
      return { kind: "tensor", storage: storage as StorageRef, offset: offset as number, shape, stride } satisfies TensorRef;
    }
  }
}
