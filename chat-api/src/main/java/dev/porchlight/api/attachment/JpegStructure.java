package dev.porchlight.api.attachment;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the decoder does not say about a JPEG file: the orientation its Exif data asks for
 * (read from the first APP1 Exif segment, IFD0 tag 0x0112, either byte order), and
 * whether its image data ends with an EOI marker (a truncated upload does not; the
 * decoder only warns and fills the rest with grey). The file is read as a stream, once.
 *
 * @param orientation the Exif orientation, 1 (upright, also when absent or invalid) to 8
 * @param complete whether the entropy-coded data of the image is followed by an EOI
 * marker
 */
record JpegStructure(int orientation, boolean complete) {

	private static final int SOI = 0xd8;

	private static final int EOI = 0xd9;

	private static final int SOS = 0xda;

	private static final int APP1 = 0xe1;

	private static final int TAG_ORIENTATION = 0x0112;

	private static final int TYPE_SHORT = 3;

	/**
	 * Reads the structure of a JPEG file.
	 * @param file a file starting with a JPEG signature
	 * @return its orientation and whether it is complete
	 * @throws IOException when the file cannot be read
	 */
	static JpegStructure read(Path file) throws IOException {
		try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 65536)) {
			return read(in);
		}
	}

	static JpegStructure read(InputStream in) throws IOException {
		int orientation = 1;
		boolean exifSeen = false;
		try {
			if (in.read() != 0xff || in.read() != SOI) {
				return new JpegStructure(1, false);
			}
			boolean inScan = false;
			while (true) {
				int marker = nextMarker(in);
				if (marker < 0) {
					return new JpegStructure(orientation, false);
				}
				if (marker == EOI) {
					return new JpegStructure(orientation, inScan);
				}
				if ((marker >= 0xd0 && marker <= 0xd7) || marker == 0x01 || marker == SOI) {
					continue;
				}
				int length = readUnsignedShort(in);
				if (length < 2) {
					return new JpegStructure(orientation, false);
				}
				if (marker == APP1 && !exifSeen && !inScan && length >= 8) {
					byte[] segment = in.readNBytes(length - 2);
					if (isExif(segment)) {
						exifSeen = true;
						orientation = orientation(segment);
					}
				}
				else {
					in.skipNBytes(length - 2);
				}
				if (marker == SOS) {
					inScan = true;
				}
			}
		}
		catch (EOFException ex) {
			return new JpegStructure(orientation, false);
		}
	}

	/**
	 * The next marker, skipping entropy-coded data (with its stuffed zero bytes), fill
	 * bytes and anything else that is not a marker, as a decoder does.
	 * @return the marker's code, or -1 at the end of the file
	 */
	private static int nextMarker(InputStream in) throws IOException {
		int b = in.read();
		while (true) {
			if (b < 0) {
				return -1;
			}
			if (b != 0xff) {
				b = in.read();
				continue;
			}
			int code = in.read();
			while (code == 0xff) {
				code = in.read();
			}
			if (code < 0) {
				return -1;
			}
			if (code != 0x00) {
				return code;
			}
			b = in.read();
		}
	}

	private static int readUnsignedShort(InputStream in) throws IOException {
		int high = in.read();
		int low = in.read();
		if ((high | low) < 0) {
			throw new EOFException();
		}
		return (high << 8) | low;
	}

	private static boolean isExif(byte[] segment) {
		return segment.length >= 6 && segment[0] == 'E' && segment[1] == 'x' && segment[2] == 'i' && segment[3] == 'f'
				&& segment[4] == 0 && segment[5] == 0;
	}

	/**
	 * The orientation in the TIFF structure after the {@code Exif\0\0} header.
	 * @return 1 to 8, 1 when absent or invalid
	 */
	static int orientation(byte[] segment) {
		Tiff tiff = new Tiff(segment, 6);
		if (tiff.length() < 8) {
			return 1;
		}
		boolean little;
		if (tiff.u8(0) == 'I' && tiff.u8(1) == 'I') {
			little = true;
		}
		else if (tiff.u8(0) == 'M' && tiff.u8(1) == 'M') {
			little = false;
		}
		else {
			return 1;
		}
		if (tiff.u16(2, little) != 42) {
			return 1;
		}
		long ifd = tiff.u32(4, little);
		if (ifd < 8 || ifd + 2 > tiff.length()) {
			return 1;
		}
		int entries = tiff.u16((int) ifd, little);
		for (int i = 0; i < entries; i++) {
			long entry = ifd + 2 + 12L * i;
			if (entry + 12 > tiff.length()) {
				return 1;
			}
			int offset = (int) entry;
			if (tiff.u16(offset, little) == TAG_ORIENTATION) {
				if (tiff.u16(offset + 2, little) != TYPE_SHORT || tiff.u32(offset + 4, little) < 1) {
					return 1;
				}
				int value = tiff.u16(offset + 8, little);
				return (value >= 1 && value <= 8) ? value : 1;
			}
		}
		return 1;
	}

	/**
	 * Bounds-checked reads in the TIFF structure of an Exif segment.
	 */
	private record Tiff(byte[] bytes, int start) {

		int length() {
			return this.bytes.length - this.start;
		}

		int u8(int offset) {
			return this.bytes[this.start + offset] & 0xff;
		}

		int u16(int offset, boolean little) {
			int a = u8(offset);
			int b = u8(offset + 1);
			return little ? (b << 8) | a : (a << 8) | b;
		}

		long u32(int offset, boolean little) {
			long high = u16(offset + (little ? 2 : 0), little);
			long low = u16(offset + (little ? 0 : 2), little);
			return (high << 16) | low;
		}

	}

}
