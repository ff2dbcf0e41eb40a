package dev.porchlight.api.attachment;

import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.color.ColorSpace;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.imageio.IIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.FileImageOutputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

import dev.porchlight.api.attachment.ContentSniffer.Kind;
import org.jspecify.annotations.Nullable;

/**
 * Decides what an uploaded file is from its content, and prepares what is served: PDF and
 * text as they are; pictures decoded and encoded again, upright, without any metadata,
 * with a thumbnail. Pictures larger than a number of pixels are refused from their
 * header, before anything is decoded, and only a few are decoded at once.
 */
public final class AttachmentProcessor implements AutoCloseable {

	private static final AtomicBoolean PLUGINS_SCANNED = new AtomicBoolean();

	private static final float JPEG_QUALITY = 0.9f;

	private static final String UNREADABLE = "This picture can't be read.";

	private final long maxPixels;

	/**
	 * At most {@code imageWorkers} pictures are decoded at once, each on its own thread.
	 */
	private final ExecutorService pictures;

	/** The longest a request waits for its picture, a worker's turn included. */
	static final Duration PICTURE_DEADLINE = Duration.ofMinutes(2);

	private final int thumbnailSize;

	/**
	 * A processor.
	 * @param maxPixels refuse images with more pixels (checked from the header, before
	 * decoding)
	 * @param imageWorkers at most this many pictures decoded at once, each on a platform
	 * thread of its own (others wait their turn)
	 * @param thumbnailSize longer side of thumbnails in pixels (320)
	 */
	public AttachmentProcessor(long maxPixels, int imageWorkers, int thumbnailSize) {
		if (maxPixels < 1 || imageWorkers < 1 || thumbnailSize < 1) {
			throw new IllegalArgumentException("maxPixels, imageWorkers and thumbnailSize must be positive");
		}
		this.maxPixels = maxPixels;
		this.pictures = Executors.newFixedThreadPool(imageWorkers,
				Thread.ofPlatform().name("porchlight-picture-", 1).daemon(true).factory());
		this.thumbnailSize = thumbnailSize;
		if (PLUGINS_SCANNED.compareAndSet(false, true)) {
			// Finds the WebP and JPEG readers with the application's class
			// loader, whichever thread first touches ImageIO.
			ImageIO.scanForPlugins();
		}
	}

	/**
	 * Decides what an uploaded file is from its content and prepares what is stored.
	 * @param upload the uploaded bytes (a temp file; not modified, not deleted)
	 * @param workDir a directory for output files (caller deletes it afterwards)
	 * @param keepOriginal whether the caller keeps the bytes as uploaded for images
	 * @return what to store
	 * @throws AttachmentRejectedException code {@code unsupported_type},
	 * {@code unreadable_image} or {@code image_too_large}, with a message for the sender
	 * @throws IOException when files cannot be read or written
	 */
	public Processed process(Path upload, Path workDir, boolean keepOriginal) throws IOException {
		Kind kind = ContentSniffer.sniff(upload);
		return switch (kind) {
			case PDF -> new Processed("application/pdf", 0, 0, upload, null, null);
			case TEXT -> new Processed("text/plain", 0, 0, upload, null, null);
			case GIF -> withOriginal(onPictureThread(() -> processGif(upload, workDir)), upload, keepOriginal);
			case JPEG, PNG, WEBP ->
				withOriginal(onPictureThread(() -> processStill(kind, upload, workDir)), upload, keepOriginal);
		};
	}

	/**
	 * Decoding and encoding a picture is seconds of CPU: done on one of the pool's
	 * platform threads, never on the request's virtual thread, which would keep one of
	 * the few carrier threads busy and stall every other request and socket of the node
	 * meanwhile. The request's thread waits unmounted.
	 */
	private Processed onPictureThread(Callable<Processed> work) throws IOException {
		Future<Processed> result = this.pictures.submit(work);
		try {
			return result.get(PICTURE_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			// Waiting for a worker counts too: a picture that takes this long is refused
			// rather than held against the request for ever.
			result.cancel(true);
			throw new AttachmentRejectedException("unreadable_image", "This picture took too long to read.");
		}
		catch (InterruptedException ex) {
			result.cancel(true);
			Thread.currentThread().interrupt();
			throw new InterruptedIOException("Interrupted while a picture was processed");
		}
		catch (ExecutionException ex) {
			switch (ex.getCause()) {
				case IOException io -> throw io;
				case RuntimeException runtime -> throw runtime;
				case Error error -> throw error;
				default -> throw new IllegalStateException(ex.getCause());
			}
		}
	}

	/**
	 * Stops the picture threads (the application is closing).
	 */
	@Override
	public void close() {
		this.pictures.shutdownNow();
	}

	private static Processed withOriginal(Processed processed, Path upload, boolean keepOriginal) {
		return new Processed(processed.mediaType(), processed.width(), processed.height(), processed.file(),
				processed.thumbnail(), keepOriginal ? upload : null);
	}

	private Processed processStill(Kind kind, Path upload, Path workDir) throws IOException {
		int orientation = 1;
		if (kind == Kind.JPEG) {
			JpegStructure structure = JpegStructure.read(upload);
			if (!structure.complete()) {
				throw unreadable(null);
			}
			orientation = structure.orientation();
		}
		ImageReader reader = reader(kind);
		try (ImageInputStream in = new FileImageInputStream(upload.toFile())) {
			reader.setInput(in, true, true);
			int width;
			int height;
			try {
				width = reader.getWidth(0);
				height = reader.getHeight(0);
			}
			catch (IOException | RuntimeException ex) {
				throw unreadable(ex);
			}
			if (width < 1 || height < 1) {
				throw unreadable(null);
			}
			checkPixels(width, height, this.maxPixels);
			try {
				return encodeStill(kind, decoded(reader, 0), orientation, workDir);
			}
			catch (RuntimeException ex) {
				throw rejection(ex);
			}
		}
		finally {
			reader.dispose();
		}
	}

	private Processed encodeStill(Kind kind, BufferedImage decoded, int orientation, Path workDir) throws IOException {
		if (kind == Kind.PNG) {
			return new Processed("image/png", decoded.getWidth(), decoded.getHeight(),
					write(decoded, "png", workDir, "file-"), thumbnail(decoded, workDir), null);
		}
		BufferedImage image = upright(standardColors(decoded), orientation);
		if (kind == Kind.WEBP && hasTransparency(image)) {
			return new Processed("image/png", image.getWidth(), image.getHeight(),
					write(image, "png", workDir, "file-"), thumbnail(image, workDir), null);
		}
		return new Processed("image/jpeg", image.getWidth(), image.getHeight(),
				write(opaque(image), "jpeg", workDir, "file-"), thumbnail(image, workDir), null);
	}

	private Processed processGif(Path upload, Path workDir) throws IOException {
		ImageReader reader = reader(Kind.GIF);
		try (ImageInputStream in = new FileImageInputStream(upload.toFile())) {
			reader.setInput(in, false, false);
			GifRewriter gif;
			try {
				gif = GifRewriter.inspect(reader, this.maxPixels);
			}
			catch (IOException ex) {
				throw unreadable(ex);
			}
			catch (RuntimeException ex) {
				throw rejection(ex);
			}
			try {
				Path file = Files.createTempFile(workDir, "file-", ".gif");
				BufferedImage first;
				try {
					first = gif.rewrite(file);
				}
				catch (IIOException ex) {
					// Frames are decoded as they are written; the file
					// system's errors are IOExceptions, not IIOExceptions.
					throw unreadable(ex);
				}
				return new Processed("image/gif", gif.width(), gif.height(), file, thumbnail(first, workDir), null);
			}
			catch (RuntimeException ex) {
				throw rejection(ex);
			}
		}
		finally {
			reader.dispose();
		}
	}

	private static ImageReader reader(Kind kind) {
		String format = switch (kind) {
			case JPEG -> "jpeg";
			case PNG -> "png";
			case GIF -> "gif";
			case WEBP -> "webp";
			case PDF, TEXT -> throw new IllegalArgumentException(kind + " is not a picture");
		};
		Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
		if (!readers.hasNext()) {
			throw new AttachmentRejectedException("unsupported_type",
					(kind == Kind.WEBP) ? "WebP pictures can't be read here. Please send them as JPEG or PNG."
							: ContentSniffer.UNSUPPORTED);
		}
		return readers.next();
	}

	/**
	 * Decodes one image of a reader.
	 * @throws AttachmentRejectedException {@code unreadable_image} whatever goes wrong
	 */
	static BufferedImage decoded(ImageReader reader, int index) {
		try {
			return reader.read(index, reader.getDefaultReadParam());
		}
		catch (IOException | RuntimeException ex) {
			throw unreadable(ex);
		}
	}

	static void checkPixels(int width, int height, long maxPixels) {
		if ((long) width * height > maxPixels) {
			throw new AttachmentRejectedException("image_too_large",
					"This picture is too large: at most " + megapixels(maxPixels) + " megapixels.");
		}
	}

	static String megapixels(long pixels) {
		return BigDecimal.valueOf(pixels).movePointLeft(6).stripTrailingZeros().toPlainString();
	}

	/**
	 * A refusal as it is, anything else that went wrong with a picture as
	 * {@code unreadable_image}.
	 */
	private static AttachmentRejectedException rejection(RuntimeException ex) {
		return (ex instanceof AttachmentRejectedException rejected) ? rejected : unreadable(ex);
	}

	private static AttachmentRejectedException unreadable(@Nullable Throwable cause) {
		AttachmentRejectedException rejected = new AttachmentRejectedException("unreadable_image", UNREADABLE);
		if (cause != null) {
			rejected.initCause(cause);
		}
		return rejected;
	}

	/**
	 * The picture in sRGB (or the standard gray), converted from an embedded profile or
	 * from CMYK; the profile itself is not kept.
	 */
	private static BufferedImage standardColors(BufferedImage image) {
		ColorSpace space = image.getColorModel().getColorSpace();
		if (space.isCS_sRGB() || space == ColorSpace.getInstance(ColorSpace.CS_GRAY)) {
			return image;
		}
		BufferedImage converted = new BufferedImage(image.getWidth(), image.getHeight(),
				image.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_3BYTE_BGR);
		new ColorConvertOp(null).filter(image, converted);
		return converted;
	}

	/**
	 * The picture turned as its Exif orientation says.
	 * @param orientation 1 (as it is) to 8
	 */
	static BufferedImage upright(BufferedImage image, int orientation) {
		int width = image.getWidth();
		int height = image.getHeight();
		AffineTransform transform = switch (orientation) {
			case 2 -> new AffineTransform(-1, 0, 0, 1, width, 0);
			case 3 -> new AffineTransform(-1, 0, 0, -1, width, height);
			case 4 -> new AffineTransform(1, 0, 0, -1, 0, height);
			case 5 -> new AffineTransform(0, 1, 1, 0, 0, 0);
			case 6 -> new AffineTransform(0, 1, -1, 0, height, 0);
			case 7 -> new AffineTransform(0, -1, -1, 0, height, width);
			case 8 -> new AffineTransform(0, -1, 1, 0, 0, width);
			default -> null;
		};
		if (transform == null) {
			return image;
		}
		boolean turned = orientation >= 5;
		int type;
		if (image.getColorModel().hasAlpha()) {
			type = BufferedImage.TYPE_INT_ARGB;
		}
		else {
			type = (image.getType() == BufferedImage.TYPE_BYTE_GRAY) ? BufferedImage.TYPE_BYTE_GRAY
					: BufferedImage.TYPE_3BYTE_BGR;
		}
		BufferedImage result = new BufferedImage(turned ? height : width, turned ? width : height, type);
		Graphics2D graphics = result.createGraphics();
		try {
			graphics.setComposite(AlphaComposite.Src);
			graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION,
					RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
			graphics.drawImage(image, transform, null);
		}
		finally {
			graphics.dispose();
		}
		return result;
	}

	/**
	 * The picture in a type the JPEG encoder writes as it is: 8-bit RGB or gray, anything
	 * else drawn on white.
	 */
	private static BufferedImage opaque(BufferedImage image) {
		int type = image.getType();
		if (type == BufferedImage.TYPE_3BYTE_BGR || type == BufferedImage.TYPE_INT_RGB
				|| type == BufferedImage.TYPE_BYTE_GRAY) {
			return image;
		}
		BufferedImage result = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
		Graphics2D graphics = result.createGraphics();
		try {
			graphics.setColor(Color.WHITE);
			graphics.fillRect(0, 0, image.getWidth(), image.getHeight());
			graphics.drawImage(image, 0, 0, null);
		}
		finally {
			graphics.dispose();
		}
		return result;
	}

	/**
	 * Whether any pixel is not fully opaque (for a palette: whether any of its colors is
	 * not).
	 */
	static boolean hasTransparency(BufferedImage image) {
		ColorModel model = image.getColorModel();
		if (!model.hasAlpha()) {
			return false;
		}
		if (model instanceof IndexColorModel palette) {
			for (int i = 0; i < palette.getMapSize(); i++) {
				if (palette.getAlpha(i) != 255) {
					return true;
				}
			}
			return false;
		}
		WritableRaster alpha = image.getAlphaRaster();
		if (alpha == null) {
			return true;
		}
		int opaque = (1 << model.getComponentSize(model.getNumComponents() - 1)) - 1;
		int[] row = new int[alpha.getWidth()];
		for (int y = 0; y < alpha.getHeight(); y++) {
			alpha.getSamples(alpha.getMinX(), alpha.getMinY() + y, alpha.getWidth(), 1, 0, row);
			for (int value : row) {
				if (value != opaque) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * A picture at most {@code thumbnailSize} pixels on its longer side (never larger
	 * than the picture), halved step by step, then scaled: JPEG, or PNG when it has
	 * transparency.
	 */
	private Path thumbnail(BufferedImage image, Path workDir) throws IOException {
		int width = image.getWidth();
		int height = image.getHeight();
		double scale = Math.min(1.0, (double) this.thumbnailSize / Math.max(width, height));
		int targetWidth = Math.max(1, (int) Math.round(width * scale));
		int targetHeight = Math.max(1, (int) Math.round(height * scale));
		boolean alpha = hasTransparency(image);
		int type = alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
		BufferedImage current = image;
		int currentWidth = width;
		int currentHeight = height;
		do {
			if (currentWidth / 2 >= targetWidth && currentHeight / 2 >= targetHeight) {
				currentWidth /= 2;
				currentHeight /= 2;
			}
			else {
				currentWidth = targetWidth;
				currentHeight = targetHeight;
			}
			BufferedImage next = new BufferedImage(currentWidth, currentHeight, type);
			Graphics2D graphics = next.createGraphics();
			try {
				if (!alpha) {
					graphics.setColor(Color.WHITE);
					graphics.fillRect(0, 0, currentWidth, currentHeight);
				}
				graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION,
						RenderingHints.VALUE_INTERPOLATION_BILINEAR);
				graphics.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
				graphics.drawImage(current, 0, 0, currentWidth, currentHeight, null);
			}
			finally {
				graphics.dispose();
			}
			current = next;
		}
		while (currentWidth != targetWidth || currentHeight != targetHeight);
		return alpha ? write(current, "png", workDir, "thumbnail-") : write(current, "jpeg", workDir, "thumbnail-");
	}

	/**
	 * Writes a picture with the default metadata of its type only.
	 * @param format {@code jpeg} or {@code png}
	 */
	private static Path write(BufferedImage image, String format, Path workDir, String prefix) throws IOException {
		Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format);
		if (!writers.hasNext()) {
			throw new IOException("No " + format + " writer");
		}
		ImageWriter writer = writers.next();
		Path file = Files.createTempFile(workDir, prefix, format.equals("jpeg") ? ".jpg" : ".png");
		try (ImageOutputStream out = new FileImageOutputStream(file.toFile())) {
			writer.setOutput(out);
			ImageWriteParam param = writer.getDefaultWriteParam();
			if (format.equals("jpeg")) {
				param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
				param.setCompressionQuality(JPEG_QUALITY);
			}
			IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image),
					param);
			writer.write(null, new IIOImage(image, null, metadata), param);
		}
		catch (IIOException | RuntimeException ex) {
			throw unreadable(ex);
		}
		finally {
			writer.dispose();
		}
		return file;
	}

	/**
	 * What is stored for an upload.
	 *
	 * @param mediaType {@code image/jpeg}, {@code image/png}, {@code image/gif},
	 * {@code application/pdf} or {@code text/plain}
	 * @param width the served picture's width in pixels (after orientation), 0 for other
	 * files
	 * @param height the served picture's height in pixels, 0 for other files
	 * @param file what is served (for PDF and text, the upload itself)
	 * @param thumbnail for pictures, the thumbnail (JPEG, or PNG when it has
	 * transparency)
	 * @param original for pictures when originals are kept, the upload itself
	 */
	public record Processed(String mediaType, int width, int height, Path file, @Nullable Path thumbnail,
			@Nullable Path original) {

	}

}
