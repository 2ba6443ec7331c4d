package ai.maya1.weights.pytorch;

import ai.maya1.weights.ModelFormatException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The central directory of a zip file read from a memory mapping (zip64 included), enough to locate the
 * entries of a {@code torch.save} archive without copying them. Entry names must be relative paths without
 * {@code ..}, backslashes, drive letters or NUL (zip path traversal is refused), names must be unique and every
 * entry must lie inside the file. Encrypted entries are refused.
 */
final class ZipDirectory {
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final int MAX_ENTRIES = 1 << 20;

    /** One entry: name, compression method (0 stored, 8 deflate), sizes, CRC and the data's file offset. */
    record Entry(String name, int method, long compressedSize, long size, int crc, long dataOffset) {
    }

    private final Map<String, Entry> entries;

    private ZipDirectory(Map<String, Entry> entries) {
        this.entries = entries;
    }

    Map<String, Entry> entries() {
        return entries;
    }

    static ZipDirectory read(Path path, MemorySegment seg) {
        long size = seg.byteSize();
        if (size < 22) {
            throw new ModelFormatException(path, null, 0, "file too short for a zip archive");
        }
        long eocd = -1;
        for (long p = size - 22; p >= Math.max(0, size - 22 - 65535); p--) {
            if (seg.get(I32, p) == 0x06054b50) {
                eocd = p;
                break;
            }
        }
        if (eocd < 0) {
            throw new ModelFormatException(path, null, size, "zip end-of-central-directory record not found (truncated archive?)");
        }
        long count = u16(seg, eocd + 10);
        long cdSize = u32(seg, eocd + 12);
        long cdOffset = u32(seg, eocd + 16);
        if (count == 0xFFFF || cdSize == 0xFFFFFFFFL || cdOffset == 0xFFFFFFFFL) {
            long loc = eocd - 20;
            if (loc < 0 || seg.get(I32, loc) != 0x07064b50) {
                throw new ModelFormatException(path, null, eocd, "zip64 locator missing");
            }
            long z64 = seg.get(I64, loc + 8);
            if (z64 < 0 || z64 > size - 56 || seg.get(I32, z64) != 0x06064b50) {
                throw new ModelFormatException(path, null, loc, "zip64 end-of-central-directory record outside the file");
            }
            count = seg.get(I64, z64 + 32);
            cdSize = seg.get(I64, z64 + 40);
            cdOffset = seg.get(I64, z64 + 48);
        }
        if (count < 0 || count > MAX_ENTRIES || cdOffset < 0 || cdSize < 0 || cdOffset > size || cdSize > size - cdOffset || count * 46 > cdSize) {
            throw new ModelFormatException(path, null, eocd, "zip central directory (" + count + " entries, " + cdSize + " bytes at "
                    + cdOffset + ") does not fit the file");
        }
        Map<String, Entry> out = new LinkedHashMap<>();
        long p = cdOffset;
        long end = cdOffset + cdSize;
        for (long i = 0; i < count; i++) {
            if (p + 46 > end || seg.get(I32, p) != 0x02014b50) {
                throw new ModelFormatException(path, null, p, "bad zip central directory entry " + i);
            }
            int flags = u16(seg, p + 8);
            int method = u16(seg, p + 10);
            int crc = seg.get(I32, p + 16);
            long csize = u32(seg, p + 20);
            long usize = u32(seg, p + 24);
            int nameLen = u16(seg, p + 28);
            int extraLen = u16(seg, p + 30);
            int commentLen = u16(seg, p + 32);
            long local = u32(seg, p + 42);
            if (p + 46 + nameLen + extraLen + commentLen > end) {
                throw new ModelFormatException(path, null, p, "zip central directory entry " + i + " runs past the directory");
            }
            String name = new String(seg.asSlice(p + 46, nameLen).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            // zip64 extra field: the 0xFFFFFFFF fields, in order
            long e = p + 46 + nameLen;
            long eEnd = e + extraLen;
            while (e + 4 <= eEnd) {
                int id = u16(seg, e);
                int len = u16(seg, e + 2);
                if (e + 4 + len > eEnd) {
                    break;
                }
                if (id == 1) {
                    long q = e + 4;
                    if (usize == 0xFFFFFFFFL && q + 8 <= e + 4 + len) {
                        usize = seg.get(I64, q);
                        q += 8;
                    }
                    if (csize == 0xFFFFFFFFL && q + 8 <= e + 4 + len) {
                        csize = seg.get(I64, q);
                        q += 8;
                    }
                    if (local == 0xFFFFFFFFL && q + 8 <= e + 4 + len) {
                        local = seg.get(I64, q);
                    }
                }
                e += 4 + len;
            }
            checkName(path, name, p);
            if ((flags & 1) != 0) {
                throw new ModelFormatException(path, name, p, "encrypted zip entries are not supported");
            }
            if (method != 0 && method != 8) {
                throw new ModelFormatException(path, name, p, "unsupported zip compression method " + method);
            }
            if (local < 0 || local > size - 30 || seg.get(I32, local) != 0x04034b50) {
                throw new ModelFormatException(path, name, local, "zip local header missing");
            }
            long data = local + 30 + u16(seg, local + 26) + u16(seg, local + 28);
            if (csize < 0 || usize < 0 || data > size || csize > size - data) {
                throw new ModelFormatException(path, name, data, "zip entry data (" + csize + " bytes) runs past the end of the file");
            }
            if (method == 0 && csize != usize) {
                throw new ModelFormatException(path, name, p, "stored zip entry with different sizes");
            }
            if (out.put(name, new Entry(name, method, csize, usize, crc, data)) != null) {
                throw new ModelFormatException(path, name, p, "duplicate zip entry name");
            }
            p += 46 + nameLen + extraLen + commentLen;
        }
        return new ZipDirectory(Collections.unmodifiableMap(out));
    }

    /** Refuses names that would escape an extraction folder, whatever the consumer does with them. */
    static void checkName(Path path, String name, long offset) {
        boolean bad = name.isEmpty() || name.startsWith("/") || name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0
                || (name.length() >= 2 && name.charAt(1) == ':');
        if (!bad) {
            for (String part : name.split("/", -1)) {
                if (part.equals("..") || part.equals(".")) {
                    bad = true;
                    break;
                }
            }
        }
        if (bad) {
            throw new ModelFormatException(path, name, offset, "zip entry name is not a safe relative path (path traversal refused)");
        }
    }

    private static int u16(MemorySegment s, long p) {
        return s.get(I16, p) & 0xFFFF;
    }

    private static long u32(MemorySegment s, long p) {
        return s.get(I32, p) & 0xFFFFFFFFL;
    }
}
