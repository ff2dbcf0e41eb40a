package dev.porchlight.api.attachment;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Node;

import dev.porchlight.api.attachment.AttachmentProcessor.Processed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class AttachmentProcessorUnitTests {

	private static final String GIF_IMAGE_FORMAT = "javax_imageio_gif_image_1.0";

	/** GPSLatitude 48/1, 51/1, 29709/1000, as written in the crafted Exif data. */
	private static final byte[] LATITUDE = { 0, 0, 0, 48, 0, 0, 0, 1, 0, 0, 0, 51, 0, 0, 0, 1, 0, 0, 0x74, 0x0d, 0, 0,
			0x03, (byte) 0xe8 };

	private final AttachmentProcessor processor = new AttachmentProcessor(40_000_000, 2, 320);

	@TempDir
	Path directory;

	@Test
	void jpegIsEncodedAgainWithAThumbnail() throws IOException {
		Path upload = upload(jpeg(picture(640, 480, BufferedImage.TYPE_INT_RGB)));
		Processed processed = process(upload, false);
		assertThat(processed.mediaType()).isEqualTo("image/jpeg");
		assertThat(processed.width()).isEqualTo(640);
		assertThat(processed.height()).isEqualTo(480);
		assertThat(processed.file()).isNotEqualTo(upload);
		assertThat(processed.original()).isNull();
		BufferedImage served = read(processed.file());
		assertThat(served.getWidth()).isEqualTo(640);
		assertThat(colorAt(served, 10, 10)).isEqualTo(Color.RED);
		assertThat(colorAt(served, 630, 470)).isEqualTo(Color.BLUE);
		assertThat(Files.readAllBytes(processed.thumbnail())).startsWith(0xff, 0xd8, 0xff);
		BufferedImage thumbnail = read(processed.thumbnail());
		assertThat(thumbnail.getWidth()).isEqualTo(320);
		assertThat(thumbnail.getHeight()).isEqualTo(240);
		assertThat(upload).exists();
	}

	@Test
	void jpegLosesItsExifAndGpsDataButTheOriginalKeepsThem() throws IOException {
		byte[] bytes = withApp1(jpeg(picture(64, 48, BufferedImage.TYPE_INT_RGB)), exif(false, 1, true));
		assertThat(indexOf(bytes, LATITUDE)).isPositive();
		Path upload = upload(bytes);
		Processed processed = process(upload, true);
		byte[] served = Files.readAllBytes(processed.file());
		assertThat(markers(served)).doesNotContain(0xe1, 0xe2, 0xed, 0xfe).allMatch((marker) -> marker < 0xe1);
		assertThat(indexOf(served, "Exif".getBytes(StandardCharsets.US_ASCII))).isNegative();
		assertThat(indexOf(served, LATITUDE)).isNegative();
		byte[] thumbnail = Files.readAllBytes(processed.thumbnail());
		assertThat(markers(thumbnail)).doesNotContain(0xe1);
		assertThat(indexOf(thumbnail, LATITUDE)).isNegative();
		assertThat(processed.original()).isEqualTo(upload);
		byte[] original = Files.readAllBytes(processed.original());
		assertThat(original).isEqualTo(bytes);
		assertThat(markers(original)).contains(0xe1);
		assertThat(indexOf(original, LATITUDE)).isPositive();
	}

	@Test
	void jpegIsTurnedAsItsOrientationSays() throws IOException {
		BufferedImage source = new BufferedImage(40, 20, BufferedImage.TYPE_INT_RGB);
		fill(source, 0, 0, 40, 20, Color.BLUE);
		fill(source, 0, 0, 16, 8, Color.RED);
		byte[] plain = jpeg(source);
		Processed six = process(upload(withApp1(plain, exif(false, 6, true))), false);
		assertThat(six.width()).isEqualTo(20);
		assertThat(six.height()).isEqualTo(40);
		BufferedImage turned = read(six.file());
		assertThat(turned.getWidth()).isEqualTo(20);
		assertThat(turned.getHeight()).isEqualTo(40);
		assertThat(colorAt(turned, 17, 3)).isEqualTo(Color.RED);
		assertThat(colorAt(turned, 3, 3)).isEqualTo(Color.BLUE);
		BufferedImage thumbnail = read(six.thumbnail());
		assertThat(thumbnail.getWidth()).isEqualTo(20);
		assertThat(thumbnail.getHeight()).isEqualTo(40);
		Processed eight = process(upload(withApp1(plain, exif(true, 8, false))), false);
		assertThat(eight.width()).isEqualTo(20);
		assertThat(eight.height()).isEqualTo(40);
		assertThat(colorAt(read(eight.file()), 3, 36)).isEqualTo(Color.RED);
		Processed three = process(upload(withApp1(plain, exif(true, 3, false))), false);
		assertThat(three.width()).isEqualTo(40);
		assertThat(colorAt(read(three.file()), 36, 16)).isEqualTo(Color.RED);
		Processed none = process(upload(plain), false);
		assertThat(none.width()).isEqualTo(40);
		assertThat(colorAt(read(none.file()), 3, 3)).isEqualTo(Color.RED);
	}

	@Test
	void exifOrientationIsReadInBothByteOrdersAndIgnoredWhenInvalid() {
		for (int orientation = 1; orientation <= 8; orientation++) {
			assertThat(JpegStructure.orientation(exif(true, orientation, false))).isEqualTo(orientation);
			assertThat(JpegStructure.orientation(exif(false, orientation, true))).isEqualTo(orientation);
		}
		assertThat(JpegStructure.orientation(exif(false, 9, false))).isOne();
		assertThat(JpegStructure.orientation(exif(true, 0, false))).isOne();
		byte[] cut = Arrays.copyOf(exif(false, 6, false), 20);
		assertThat(JpegStructure.orientation(cut)).isOne();
		assertThat(JpegStructure.orientation("Exif\0\0XX".getBytes(StandardCharsets.ISO_8859_1))).isOne();
	}

	@Test
	void cmykJpegIsConvertedToRgb() throws IOException {
		// An Adobe CMYK JPEG (inverted values, as Photoshop writes
		// them): cyan on the left, yellow on the right. The JDK's
		// decoder refuses these; TwelveMonkeys' reads them.
		WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 64, 48, 4, null);
		for (int y = 0; y < 48; y++) {
			for (int x = 0; x < 64; x++) {
				cmyk.setPixel(x, y, (x < 32) ? new int[] { 0, 255, 255, 255 } : new int[] { 255, 255, 0, 255 });
			}
		}
		ImageWriter writer = null;
		for (Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg"); writers.hasNext();) {
			ImageWriter candidate = writers.next();
			if (candidate.getClass().getName().startsWith("com.sun.")) {
				writer = candidate;
			}
		}
		assertThat(writer).isNotNull();
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
			writer.setOutput(out);
			writer.write(null, new IIOImage(cmyk, null, null), null);
		}
		finally {
			writer.dispose();
		}
		byte[] raw = bytes.toByteArray();
		ByteArrayOutputStream adobe = new ByteArrayOutputStream();
		adobe.write(raw, 0, 2);
		adobe
			.writeBytes(new byte[] { (byte) 0xff, (byte) 0xee, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0 });
		adobe.write(raw, 2, raw.length - 2);
		Processed processed = process(upload(adobe.toByteArray()), false);
		assertThat(processed.mediaType()).isEqualTo("image/jpeg");
		BufferedImage served = read(processed.file());
		assertThat(served.getColorModel().getNumComponents()).isEqualTo(3);
		assertThat(colorAt(served, 10, 24)).isEqualTo(Color.CYAN);
		assertThat(colorAt(served, 54, 24)).isEqualTo(Color.YELLOW);
		assertThat(markers(Files.readAllBytes(processed.file()))).doesNotContain(0xee);
	}

	@Test
	void pngIsEncodedAgainWithoutItsTextChunks() throws IOException {
		byte[] png = png(picture(400, 100, BufferedImage.TYPE_INT_RGB));
		byte[] withText = withChunkAfterHeader(png, "tEXt",
				"Comment\0Taken at 12 Secret Street".getBytes(StandardCharsets.ISO_8859_1));
		assertThat(chunks(withText)).contains("tEXt");
		Processed processed = process(upload(withText), false);
		assertThat(processed.mediaType()).isEqualTo("image/png");
		assertThat(processed.width()).isEqualTo(400);
		assertThat(processed.height()).isEqualTo(100);
		byte[] served = Files.readAllBytes(processed.file());
		assertThat(chunks(served)).doesNotContain("tEXt", "zTXt", "iTXt", "eXIf", "iCCP", "tIME")
			.contains("IHDR", "IDAT", "IEND");
		assertThat(indexOf(served, "Secret".getBytes(StandardCharsets.US_ASCII))).isNegative();
		assertThat(colorAt(read(processed.file()), 10, 10)).isEqualTo(Color.RED);
		assertThat(Files.readAllBytes(processed.thumbnail())).startsWith(0xff, 0xd8, 0xff);
		BufferedImage thumbnail = read(processed.thumbnail());
		assertThat(thumbnail.getWidth()).isEqualTo(320);
		assertThat(thumbnail.getHeight()).isEqualTo(80);
	}

	@Test
	void pngWithTransparencyGetsAPngThumbnail() throws IOException {
		BufferedImage source = new BufferedImage(600, 900, BufferedImage.TYPE_INT_ARGB);
		fill(source, 0, 0, 600, 450, Color.GREEN);
		Processed processed = process(upload(png(source)), false);
		assertThat(processed.mediaType()).isEqualTo("image/png");
		byte[] thumbnailBytes = Files.readAllBytes(processed.thumbnail());
		assertThat(chunks(thumbnailBytes)).startsWith("IHDR");
		BufferedImage thumbnail = read(processed.thumbnail());
		assertThat(thumbnail.getWidth()).isEqualTo(213);
		assertThat(thumbnail.getHeight()).isEqualTo(320);
		assertThat(thumbnail.getRGB(100, 300) >>> 24).isZero();
		assertThat(new Color(thumbnail.getRGB(100, 20), true)).isEqualTo(Color.GREEN);
	}

	@Test
	void smallPicturesAreNotEnlargedForTheirThumbnail() throws IOException {
		Processed processed = process(upload(jpeg(picture(100, 50, BufferedImage.TYPE_INT_RGB))), false);
		BufferedImage thumbnail = read(processed.thumbnail());
		assertThat(thumbnail.getWidth()).isEqualTo(100);
		assertThat(thumbnail.getHeight()).isEqualTo(50);
	}

	@Test
	void staticGifIsWrittenAgain() throws IOException {
		Processed processed = process(upload(gif(List.of(picture(90, 60, BufferedImage.TYPE_INT_RGB)), false)), true);
		assertThat(processed.mediaType()).isEqualTo("image/gif");
		assertThat(processed.width()).isEqualTo(90);
		assertThat(processed.height()).isEqualTo(60);
		assertThat(new String(Files.readAllBytes(processed.file()), 0, 6, StandardCharsets.US_ASCII))
			.isEqualTo("GIF89a");
		BufferedImage served = read(processed.file());
		assertThat(colorAt(served, 5, 5)).isEqualTo(Color.RED);
		assertThat(colorAt(served, 85, 55)).isEqualTo(Color.BLUE);
		assertThat(read(processed.thumbnail()).getWidth()).isEqualTo(90);
		assertThat(processed.original()).isNotNull();
	}

	@Test
	void animatedGifKeepsItsFramesTimingAndLoopButNotItsComments() throws IOException {
		List<BufferedImage> frames = new ArrayList<>();
		for (Color color : List.of(Color.RED, Color.GREEN)) {
			BufferedImage frame = new BufferedImage(60, 40, BufferedImage.TYPE_INT_RGB);
			fill(frame, 0, 0, 60, 40, color);
			frames.add(frame);
		}
		// The last frame only changes a part (at 10,5), its left half transparent.
		BufferedImage part = new BufferedImage(40, 30, BufferedImage.TYPE_INT_ARGB);
		fill(part, 20, 0, 20, 30, Color.BLUE);
		frames.add(part);
		byte[] bytes = gif(frames, true);
		assertThat(indexOf(bytes, "secret comment".getBytes(StandardCharsets.US_ASCII))).isPositive();
		Processed processed = process(upload(bytes), false);
		assertThat(processed.mediaType()).isEqualTo("image/gif");
		assertThat(processed.width()).isEqualTo(60);
		assertThat(processed.height()).isEqualTo(40);
		byte[] served = Files.readAllBytes(processed.file());
		assertThat(indexOf(served, "secret comment".getBytes(StandardCharsets.US_ASCII))).isNegative();
		assertThat(indexOf(served, "NETSCAPE2.0".getBytes(StandardCharsets.US_ASCII))).isPositive();
		ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
		try (ImageInputStream in = ImageIO.createImageInputStream(processed.file().toFile())) {
			reader.setInput(in);
			assertThat(reader.getNumImages(true)).isEqualTo(3);
			for (int i = 0; i < 3; i++) {
				Node tree = reader.getImageMetadata(i).getAsTree(GIF_IMAGE_FORMAT);
				IIOMetadataNode control = child(tree, "GraphicControlExtension");
				assertThat(control.getAttribute("delayTime")).isEqualTo(String.valueOf(10 * (i + 1)));
				assertThat(control.getAttribute("disposalMethod")).isEqualTo("restoreToBackgroundColor");
				assertThat(child(tree, "CommentExtensions")).isNull();
				assertThat(colorAt(reader.read(i), 30, 20))
					.isEqualTo(List.of(Color.RED, Color.GREEN, Color.BLUE).get(i));
			}
			Node last = reader.getImageMetadata(2).getAsTree(GIF_IMAGE_FORMAT);
			IIOMetadataNode descriptor = child(last, "ImageDescriptor");
			assertThat(descriptor.getAttribute("imageLeftPosition")).isEqualTo("10");
			assertThat(descriptor.getAttribute("imageTopPosition")).isEqualTo("5");
			assertThat(descriptor.getAttribute("imageWidth")).isEqualTo("40");
			assertThat(child(last, "GraphicControlExtension").getAttribute("transparentColorFlag")).isEqualTo("TRUE");
			assertThat(reader.read(2).getRGB(5, 5) >>> 24).isZero();
			IIOMetadataNode loop = (IIOMetadataNode) child(reader.getImageMetadata(0).getAsTree(GIF_IMAGE_FORMAT),
					"ApplicationExtensions")
				.getFirstChild();
			assertThat(loop.getAttribute("applicationID")).isEqualTo("NETSCAPE");
			assertThat((byte[]) loop.getUserObject()).containsExactly(1, 0, 0);
		}
		finally {
			reader.dispose();
		}
		assertThat(read(processed.thumbnail()).getWidth()).isEqualTo(60);
		assertThat(colorAt(read(processed.thumbnail()), 30, 20)).isEqualTo(Color.RED);
	}

	@Test
	void webpBecomesJpegOrPngWhenTransparent() throws IOException {
		// The fixtures were made with libwebp's cwebp 1.2.4 (Debian
		// package "webp") from PNGs written by a few lines of Python:
		// opaque.webp (48x32, red left half, blue right half) with
		// "cwebp -q 80", alpha.webp (32x32, green, left half
		// transparent) with "cwebp -lossless -exact".
		Processed opaque = process(upload(resource("opaque.webp")), true);
		assertThat(opaque.mediaType()).isEqualTo("image/jpeg");
		assertThat(opaque.width()).isEqualTo(48);
		assertThat(opaque.height()).isEqualTo(32);
		assertThat(Files.readAllBytes(opaque.file())).startsWith(0xff, 0xd8, 0xff);
		assertThat(colorAt(read(opaque.file()), 6, 16)).isEqualTo(Color.RED);
		assertThat(colorAt(read(opaque.file()), 42, 16)).isEqualTo(Color.BLUE);
		assertThat(opaque.thumbnail()).isNotNull();
		assertThat(opaque.original()).isNotNull();
		Processed alpha = process(upload(resource("alpha.webp")), false);
		assertThat(alpha.mediaType()).isEqualTo("image/png");
		assertThat(alpha.width()).isEqualTo(32);
		BufferedImage served = read(alpha.file());
		assertThat(served.getRGB(4, 4) >>> 24).isZero();
		assertThat(new Color(served.getRGB(28, 4), true)).isEqualTo(new Color(0, 160, 0));
		assertThat(chunks(Files.readAllBytes(alpha.thumbnail()))).startsWith("IHDR");
	}

	@Test
	void pdfIsKeptAsItIs() throws IOException {
		Path upload = upload(
				"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".getBytes(StandardCharsets.US_ASCII));
		Processed processed = process(upload, true);
		assertThat(processed).isEqualTo(new Processed("application/pdf", 0, 0, upload, null, null));
	}

	@Test
	void utf8TextIsAccepted() throws IOException {
		Path upload = upload("\uFEFFCrème brûlée für Zoë: 5 €\r\n\tñ 日本語 😀\f\n".getBytes(StandardCharsets.UTF_8));
		assertThat(process(upload, true)).isEqualTo(new Processed("text/plain", 0, 0, upload, null, null));
		Path angle = upload("<3 and <name@example.com> are fine; 2 < 3".getBytes(StandardCharsets.UTF_8));
		assertThat(process(angle, false).mediaType()).isEqualTo("text/plain");
	}

	@Test
	void longTextIsReadAcrossBufferBoundaries() throws IOException {
		StringBuilder text = new StringBuilder();
		while (text.length() < 100_000) {
			text.append("é€😀 line ").append(text.length()).append('\n');
		}
		assertThat(process(upload(text.toString().getBytes(StandardCharsets.UTF_8)), false).mediaType())
			.isEqualTo("text/plain");
		byte[] withNul = text.append('\0').toString().getBytes(StandardCharsets.UTF_8);
		assertRejected(upload(withNul), "unsupported_type", ContentSniffer.UNSUPPORTED);
	}

	@Test
	void htmlSvgAndXmlAreRefusedWhateverTheirName() throws IOException {
		for (String markup : List.of("<!DOCTYPE html><html><script>alert(1)</script></html>",
				"\uFEFF  \n<html><body>hi</body></html>", "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"x()\"/>",
				"<?xml version=\"1.0\"?><svg/>", "\t<ScRiPt>alert(1)</script>", "<!-- hi --><p>x</p>", "<iframe src=x>",
				"<meta http-equiv=refresh>", "<p>hello</p>", "<a href=x>y</a>")) {
			assertRejected(upload(markup.getBytes(StandardCharsets.UTF_8)), "unsupported_type",
					"HTML, SVG and XML files can't be sent.");
		}
	}

	@Test
	void binaryAndOtherFilesAreRefused() throws IOException {
		byte[] junk = new byte[4096];
		new Random(42).nextBytes(junk);
		junk[0] = 0x13;
		for (byte[] bytes : List.of(junk, new byte[] { 'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0 },
				new byte[] { 'M', 'Z', (byte) 0x90, 0, 3, 0 }, "BM6\0\0\0".getBytes(StandardCharsets.ISO_8859_1),
				"II*\0\10\0\0\0".getBytes(StandardCharsets.ISO_8859_1), "text with \u001b[31m escape".getBytes(),
				new byte[] { 'a', 'b', (byte) 0xc3, 0x28 }, "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1),
				new byte[0])) {
			assertRejected(upload(bytes), "unsupported_type",
					"Only JPEG, PNG, WebP and GIF images, PDF and plain-text files can be sent.");
		}
	}

	@Test
	void heicAndAvifAreRefusedWithAHintToSendJpeg() throws IOException {
		byte[] heic = { 0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c', 0, 0, 0, 0, 'm', 'i', 'f', '1', 'h', 'e',
				'i', 'c' };
		assertRejected(upload(heic), "unsupported_type", "HEIC photos can't be read here. Please send them as JPEG "
				+ "(on an iPhone: Settings › Camera › Formats › Most Compatible).");
		byte[] compatible = { 0, 0, 0, 0x14, 'f', 't', 'y', 'p', 'M', 'S', 'N', 'V', 0, 0, 0, 0, 'm', 'i', 'f', '1' };
		assertRejected(upload(compatible), "unsupported_type", ContentSniffer.HEIC_REFUSED);
		byte[] avif = { 0, 0, 0, 0x1c, 'f', 't', 'y', 'p', 'a', 'v', 'i', 'f', 0, 0, 0, 0, 'a', 'v', 'i', 'f', 'm', 'i',
				'f', '1', 'm', 'i', 'a', 'f' };
		assertRejected(upload(avif), "unsupported_type", ContentSniffer.AVIF_REFUSED);
		byte[] mp4 = { 0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 2, 0, 'i', 's', 'o', 'm', 'm', 'p',
				'4', '1' };
		assertRejected(upload(mp4), "unsupported_type", ContentSniffer.UNSUPPORTED);
	}

	@Test
	void hugePicturesAreRefusedFromTheirHeaderWithoutDecoding() throws IOException {
		ByteArrayOutputStream png = new ByteArrayOutputStream();
		png.writeBytes(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' });
		png.writeBytes(chunk("IHDR",
				ByteBuffer.allocate(13)
					.putInt(30000)
					.putInt(30000)
					.put((byte) 8)
					.put((byte) 2)
					.put((byte) 0)
					.put((byte) 0)
					.put((byte) 0)
					.array()));
		png.writeBytes(chunk("IDAT", deflate(new byte[30000 * 3 + 1])));
		png.writeBytes(chunk("IEND", new byte[0]));
		Path bomb = upload(png.toByteArray());
		assertTimeoutPreemptively(Duration.ofSeconds(5),
				() -> assertRejected(bomb, "image_too_large", "This picture is too large: at most 40 megapixels."));
		byte[] jpeg = jpeg(picture(64, 48, BufferedImage.TYPE_INT_RGB));
		int sof = indexOf(jpeg, new byte[] { (byte) 0xff, (byte) 0xc0 });
		jpeg[sof + 5] = (byte) 0xea;
		jpeg[sof + 6] = 0x60;
		jpeg[sof + 7] = (byte) 0xea;
		jpeg[sof + 8] = 0x60;
		Path jpegBomb = upload(jpeg);
		assertTimeoutPreemptively(Duration.ofSeconds(5),
				() -> assertRejected(jpegBomb, "image_too_large", "This picture is too large: at most 40 megapixels."));
		byte[] gif = gif(List.of(picture(20, 20, BufferedImage.TYPE_INT_RGB)), false);
		gif[6] = (byte) 0xff;
		gif[7] = (byte) 0xff;
		gif[8] = (byte) 0xff;
		gif[9] = (byte) 0xff;
		Path gifBomb = upload(gif);
		assertTimeoutPreemptively(Duration.ofSeconds(5),
				() -> assertRejected(gifBomb, "image_too_large", "This picture is too large: at most 40 megapixels."));
	}

	@Test
	void theLimitIsTheNumberOfPixels() throws IOException {
		AttachmentProcessor small = new AttachmentProcessor(1_500_000, 1, 320);
		Path upload = upload(png(picture(1250, 1201, BufferedImage.TYPE_INT_RGB)));
		assertThatExceptionOfType(AttachmentRejectedException.class)
			.isThrownBy(() -> small.process(upload, this.directory, false))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo("image_too_large"))
			.withMessage("This picture is too large: at most 1.5 megapixels.");
		assertThat(small.process(upload(png(picture(1250, 1200, BufferedImage.TYPE_INT_RGB))), this.directory, false)
			.width()).isEqualTo(1250);
	}

	@Test
	void truncatedOrBrokenPicturesAreUnreadable() throws IOException {
		BufferedImage noise = new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB);
		Random random = new Random(7);
		for (int y = 0; y < 200; y++) {
			for (int x = 0; x < 300; x++) {
				noise.setRGB(x, y, random.nextInt());
			}
		}
		byte[] jpeg = jpeg(noise);
		assertRejected(upload(Arrays.copyOf(jpeg, jpeg.length / 2)), "unreadable_image", "This picture can't be read.");
		assertRejected(upload(Arrays.copyOf(jpeg, jpeg.length - 2)), "unreadable_image", "This picture can't be read.");
		byte[] png = png(noise);
		assertRejected(upload(Arrays.copyOf(png, png.length / 2)), "unreadable_image", "This picture can't be read.");
		byte[] gif = gif(List.of(noise), false);
		assertRejected(upload(Arrays.copyOf(gif, 40)), "unreadable_image", "This picture can't be read.");
		byte[] webp = resource("opaque.webp");
		assertRejected(upload(Arrays.copyOf(webp, 40)), "unreadable_image", "This picture can't be read.");
		byte[] garbage = new byte[2000];
		random.nextBytes(garbage);
		// Small enough as a GIF's logical screen or anything else read as dimensions
		Arrays.fill(garbage, 0, 16, (byte) 1);
		for (byte[] magic : List.of(new byte[] { (byte) 0xff, (byte) 0xd8, (byte) 0xff },
				new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' },
				"GIF89a".getBytes(StandardCharsets.US_ASCII), "RIFF\0\0\0\0WEBP".getBytes(StandardCharsets.US_ASCII))) {
			byte[] bytes = Arrays.copyOf(magic, magic.length + garbage.length);
			System.arraycopy(garbage, 0, bytes, magic.length, garbage.length);
			assertRejected(upload(bytes), "unreadable_image", "This picture can't be read.");
		}
	}

	@Test
	void manyPicturesAtOnceAreAllProcessed() throws Exception {
		AttachmentProcessor oneAtATime = new AttachmentProcessor(40_000_000, 1, 320);
		Path upload = upload(jpeg(picture(800, 600, BufferedImage.TYPE_INT_RGB)));
		ExecutorService executor = Executors.newFixedThreadPool(6);
		try {
			List<Future<Processed>> results = new ArrayList<>();
			for (int i = 0; i < 12; i++) {
				Path work = Files.createDirectory(this.directory.resolve("work-" + i));
				results.add(executor.submit(() -> oneAtATime.process(upload, work, false)));
			}
			for (Future<Processed> result : results) {
				assertThat(result.get().width()).isEqualTo(800);
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

	private Processed process(Path upload, boolean keepOriginal) throws IOException {
		return this.processor.process(upload, this.directory, keepOriginal);
	}

	private void assertRejected(Path upload, String code, String message) {
		assertThatExceptionOfType(AttachmentRejectedException.class)
			.isThrownBy(() -> this.processor.process(upload, this.directory, true))
			.withMessage(message)
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(code));
	}

	private Path upload(byte[] bytes) throws IOException {
		Path file = Files.createTempFile(this.directory, "upload-", ".bin");
		Files.write(file, bytes);
		return file;
	}

	private static byte[] resource(String name) throws IOException {
		try (InputStream in = AttachmentProcessorUnitTests.class.getResourceAsStream("/attachments/" + name)) {
			assertThat(in).as(name).isNotNull();
			return in.readAllBytes();
		}
	}

	/** A picture with a red top-left quarter and a blue bottom-right quarter on white. */
	private static BufferedImage picture(int width, int height, int type) {
		BufferedImage image = new BufferedImage(width, height, type);
		fill(image, 0, 0, width, height, Color.WHITE);
		fill(image, 0, 0, width / 2, height / 2, Color.RED);
		fill(image, width / 2, height / 2, width - width / 2, height - height / 2, Color.BLUE);
		return image;
	}

	private static void fill(BufferedImage image, int x, int y, int width, int height, Color color) {
		Graphics2D graphics = image.createGraphics();
		graphics.setColor(color);
		graphics.fillRect(x, y, width, height);
		graphics.dispose();
	}

	/** The color at a point, rounded to the nearest of a few (JPEG is lossy). */
	private static Color colorAt(BufferedImage image, int x, int y) {
		Color color = new Color(image.getRGB(x, y));
		Color nearest = null;
		double best = Double.MAX_VALUE;
		for (Color candidate : List.of(Color.RED, Color.GREEN, Color.BLUE, Color.WHITE, Color.BLACK, Color.CYAN,
				Color.YELLOW)) {
			double distance = Math.pow(color.getRed() - candidate.getRed(), 2)
					+ Math.pow(color.getGreen() - candidate.getGreen(), 2)
					+ Math.pow(color.getBlue() - candidate.getBlue(), 2);
			if (distance < best) {
				best = distance;
				nearest = candidate;
			}
		}
		assertThat(best).as("color %s at %d,%d", color, x, y).isLessThan(60 * 60 * 3);
		return nearest;
	}

	private static BufferedImage read(Path file) throws IOException {
		BufferedImage image = ImageIO.read(file.toFile());
		assertThat(image).as(file.toString()).isNotNull();
		return image;
	}

	private static byte[] jpeg(BufferedImage image) throws IOException {
		return encode(image, "jpeg");
	}

	private static byte[] png(BufferedImage image) throws IOException {
		return encode(image, "png");
	}

	private static byte[] encode(BufferedImage image, String format) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		assertThat(ImageIO.write(image, format, out)).isTrue();
		return out.toByteArray();
	}

	/**
	 * A GIF of frames, an animation (0.1 s, 0.2 s, 0.3 s..., looping forever, with a
	 * comment) when asked.
	 */
	private static byte[] gif(List<BufferedImage> frames, boolean animated) throws IOException {
		ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
			writer.setOutput(out);
			writer.prepareWriteSequence(null);
			for (int i = 0; i < frames.size(); i++) {
				BufferedImage frame = frames.get(i);
				IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(frame),
						null);
				if (animated) {
					IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(GIF_IMAGE_FORMAT);
					IIOMetadataNode control = new IIOMetadataNode("GraphicControlExtension");
					control.setAttribute("disposalMethod", "restoreToBackgroundColor");
					control.setAttribute("userInputFlag", "FALSE");
					control.setAttribute("transparentColorFlag", "FALSE");
					control.setAttribute("delayTime", String.valueOf(10 * (i + 1)));
					control.setAttribute("transparentColorIndex", "0");
					root.appendChild(control);
					IIOMetadataNode comments = new IIOMetadataNode("CommentExtensions");
					IIOMetadataNode comment = new IIOMetadataNode("CommentExtension");
					comment.setAttribute("value", "secret comment");
					comments.appendChild(comment);
					root.appendChild(comments);
					if (i == 0) {
						IIOMetadataNode extensions = new IIOMetadataNode("ApplicationExtensions");
						IIOMetadataNode loop = new IIOMetadataNode("ApplicationExtension");
						loop.setAttribute("applicationID", "NETSCAPE");
						loop.setAttribute("authenticationCode", "2.0");
						loop.setUserObject(new byte[] { 1, 0, 0 });
						extensions.appendChild(loop);
						root.appendChild(extensions);
					}
					if (i > 0 && frame.getWidth() < frames.get(0).getWidth()) {
						IIOMetadataNode descriptor = child(root, "ImageDescriptor");
						descriptor.setAttribute("imageLeftPosition", "10");
						descriptor.setAttribute("imageTopPosition", "5");
						control.setAttribute("transparentColorFlag", "TRUE");
						IIOMetadataNode existing = child(root, "GraphicControlExtension");
						control.setAttribute("transparentColorIndex", existing.getAttribute("transparentColorIndex"));
					}
					metadata.setFromTree(GIF_IMAGE_FORMAT, root);
				}
				writer.writeToSequence(new IIOImage(frame, null, metadata), null);
			}
			writer.endWriteSequence();
		}
		finally {
			writer.dispose();
		}
		return bytes.toByteArray();
	}

	private static IIOMetadataNode child(Node parent, String name) {
		for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
			if (node.getNodeName().equals(name)) {
				return (IIOMetadataNode) node;
			}
		}
		return null;
	}

	/**
	 * An APP1 Exif payload: a TIFF structure whose IFD0 has an orientation and, when
	 * asked, a GPS IFD with a latitude.
	 */
	private static byte[] exif(boolean littleEndian, int orientation, boolean gps) {
		ByteBuffer tiff = ByteBuffer.allocate(200)
			.order(littleEndian ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN);
		tiff.put("Exif\0\0".getBytes(StandardCharsets.US_ASCII));
		int base = tiff.position();
		tiff.put(littleEndian ? new byte[] { 'I', 'I' } : new byte[] { 'M', 'M' });
		tiff.putShort((short) 42).putInt(8);
		int entries = gps ? 2 : 1;
		tiff.putShort((short) entries);
		tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
		int gpsIfd = 8 + 2 + 12 * entries + 4;
		if (gps) {
			tiff.putShort((short) 0x8825).putShort((short) 4).putInt(1).putInt(gpsIfd);
		}
		tiff.putInt(0);
		if (gps) {
			assertThat(tiff.position() - base).isEqualTo(gpsIfd);
			int rationals = gpsIfd + 2 + 2 * 12 + 4;
			tiff.putShort((short) 2);
			tiff.putShort((short) 1).putShort((short) 2).putInt(2).put(new byte[] { 'N', 0, 0, 0 });
			tiff.putShort((short) 2).putShort((short) 5).putInt(3).putInt(rationals);
			tiff.putInt(0);
			assertThat(tiff.position() - base).isEqualTo(rationals);
			tiff.order(java.nio.ByteOrder.BIG_ENDIAN).put(LATITUDE);
		}
		return Arrays.copyOf(tiff.array(), tiff.position());
	}

	/** The JPEG with an APP1 segment right after its SOI marker. */
	private static byte[] withApp1(byte[] jpeg, byte[] payload) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(0xff);
		out.write(0xd8);
		out.write(0xff);
		out.write(0xe1);
		out.write((payload.length + 2) >> 8);
		out.write((payload.length + 2) & 0xff);
		out.writeBytes(payload);
		out.write(jpeg, 2, jpeg.length - 2);
		return out.toByteArray();
	}

	/** The markers of a JPEG's segments, up to its first SOS. */
	private static List<Integer> markers(byte[] jpeg) {
		List<Integer> markers = new ArrayList<>();
		assertThat(jpeg).startsWith(0xff, 0xd8);
		int offset = 2;
		while (offset + 4 <= jpeg.length) {
			assertThat(jpeg[offset] & 0xff).isEqualTo(0xff);
			int marker = jpeg[offset + 1] & 0xff;
			markers.add(marker);
			if (marker == 0xda) {
				break;
			}
			offset += 2 + (((jpeg[offset + 2] & 0xff) << 8) | (jpeg[offset + 3] & 0xff));
		}
		return markers;
	}

	private static List<String> chunks(byte[] png) {
		List<String> chunks = new ArrayList<>();
		ByteBuffer buffer = ByteBuffer.wrap(png, 8, png.length - 8);
		while (buffer.remaining() >= 12) {
			int length = buffer.getInt();
			byte[] type = new byte[4];
			buffer.get(type);
			chunks.add(new String(type, StandardCharsets.US_ASCII));
			buffer.position(buffer.position() + length + 4);
		}
		return chunks;
	}

	private static byte[] withChunkAfterHeader(byte[] png, String type, byte[] data) {
		int afterHeader = 8 + 8 + 13 + 4;
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(png, 0, afterHeader);
		out.writeBytes(chunk(type, data));
		out.write(png, afterHeader, png.length - afterHeader);
		return out.toByteArray();
	}

	private static byte[] chunk(String type, byte[] data) {
		byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
		CRC32 crc = new CRC32();
		crc.update(typeBytes);
		crc.update(data);
		return ByteBuffer.allocate(12 + data.length)
			.putInt(data.length)
			.put(typeBytes)
			.put(data)
			.putInt((int) crc.getValue())
			.array();
	}

	private static byte[] deflate(byte[] data) {
		Deflater deflater = new Deflater();
		deflater.setInput(data);
		deflater.finish();
		byte[] buffer = new byte[data.length + 64];
		int length = deflater.deflate(buffer);
		deflater.end();
		return Arrays.copyOf(buffer, length);
	}

	private static int indexOf(byte[] bytes, byte[] part) {
		outer: for (int i = 0; i + part.length <= bytes.length; i++) {
			for (int j = 0; j < part.length; j++) {
				if (bytes[i + j] != part[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

}
