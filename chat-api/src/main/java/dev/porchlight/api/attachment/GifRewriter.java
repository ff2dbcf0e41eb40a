package dev.porchlight.api.attachment;

import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.FileImageOutputStream;
import javax.imageio.stream.ImageOutputStream;

import org.jspecify.annotations.Nullable;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * Writes a GIF again frame by frame, keeping what draws it (the logical screen, the color
 * tables, each frame's position, delay, disposal and transparency, and the NETSCAPE2.0
 * loop count) and nothing else: comments, plain-text extensions and other application
 * extensions (XMP among them) are dropped. Frames are decoded one at a time.
 */
final class GifRewriter {

	private static final String STREAM_FORMAT = "javax_imageio_gif_stream_1.0";

	private static final String IMAGE_FORMAT = "javax_imageio_gif_image_1.0";

	/** At most this many frames in one GIF. */
	static final int MAX_FRAMES = 1000;

	/** All frames together have at most this many times the pixels of one picture. */
	static final int FRAME_PIXEL_BUDGET = 4;

	private final ImageReader reader;

	private final Header header;

	private GifRewriter(ImageReader reader, Header header) {
		this.reader = reader;
		this.header = header;
	}

	/**
	 * Reads what a GIF is made of without decoding any frame, and refuses it when it is
	 * too large to decode.
	 * @param reader a GIF reader, its input set without ignoring metadata
	 * @param maxPixels the pixels of one picture, at most
	 * @return a rewriter for it
	 * @throws IOException when the GIF cannot be read (the caller refuses it)
	 * @throws AttachmentRejectedException {@code image_too_large}
	 */
	static GifRewriter inspect(ImageReader reader, long maxPixels) throws IOException {
		IIOMetadata stream = reader.getStreamMetadata();
		Node streamTree = (stream != null) ? stream.getAsTree(STREAM_FORMAT) : new IIOMetadataNode(STREAM_FORMAT);
		IIOMetadataNode screen = child(streamTree, "LogicalScreenDescriptor");
		int width = (screen != null) ? intAttribute(screen, "logicalScreenWidth") : 0;
		int height = (screen != null) ? intAttribute(screen, "logicalScreenHeight") : 0;
		AttachmentProcessor.checkPixels(width, height, maxPixels);
		int frames = reader.getNumImages(true);
		if (frames < 1) {
			throw new IOException("A GIF without frames");
		}
		if (frames > MAX_FRAMES) {
			throw new AttachmentRejectedException("image_too_large",
					"This animation is too long: at most " + MAX_FRAMES + " frames.");
		}
		long total = 0;
		IIOMetadataNode loop = null;
		for (int i = 0; i < frames; i++) {
			Node tree = reader.getImageMetadata(i).getAsTree(IMAGE_FORMAT);
			IIOMetadataNode descriptor = child(tree, "ImageDescriptor");
			if (descriptor == null) {
				throw new IOException("A GIF frame without a descriptor");
			}
			int frameWidth = intAttribute(descriptor, "imageWidth");
			int frameHeight = intAttribute(descriptor, "imageHeight");
			AttachmentProcessor.checkPixels(frameWidth, frameHeight, maxPixels);
			width = Math.max(width, intAttribute(descriptor, "imageLeftPosition") + frameWidth);
			height = Math.max(height, intAttribute(descriptor, "imageTopPosition") + frameHeight);
			total += (long) frameWidth * frameHeight;
			if (loop == null) {
				loop = loopExtension(tree);
			}
		}
		AttachmentProcessor.checkPixels(width, height, maxPixels);
		if (total > maxPixels * FRAME_PIXEL_BUDGET) {
			throw new AttachmentRejectedException("image_too_large",
					"This animation is too large: at most "
							+ AttachmentProcessor.megapixels(maxPixels * FRAME_PIXEL_BUDGET)
							+ " megapixels in all its frames.");
		}
		return new GifRewriter(reader, new Header(streamTree, width, height, frames, loop));
	}

	/**
	 * The width of the picture as shown: its logical screen, or more when a frame goes
	 * beyond it.
	 */
	int width() {
		return this.header.width;
	}

	/**
	 * The height of the picture as shown.
	 */
	int height() {
		return this.header.height;
	}

	/**
	 * Decodes every frame and writes it again.
	 * @param file where the GIF is written
	 * @return the first frame as shown, on a transparent canvas the size of the picture
	 * @throws IOException when the GIF cannot be read or the file written
	 */
	BufferedImage rewrite(Path file) throws IOException {
		ImageWriter writer = writer();
		try (ImageOutputStream out = new FileImageOutputStream(file.toFile())) {
			writer.setOutput(out);
			IIOMetadata streamMetadata = writer.getDefaultStreamMetadata(null);
			streamMetadata.mergeTree(STREAM_FORMAT, streamTree());
			writer.prepareWriteSequence(streamMetadata);
			BufferedImage first = null;
			for (int i = 0; i < this.header.frames; i++) {
				BufferedImage frame = AttachmentProcessor.decoded(this.reader, i);
				Node source = this.reader.getImageMetadata(i).getAsTree(IMAGE_FORMAT);
				IIOMetadata metadata = writer.getDefaultImageMetadata(new ImageTypeSpecifier(frame), null);
				metadata.mergeTree(IMAGE_FORMAT, imageTree(source, i == 0));
				writer.writeToSequence(new IIOImage(frame, null, metadata), null);
				if (first == null) {
					IIOMetadataNode descriptor = child(source, "ImageDescriptor");
					first = onCanvas(frame, (descriptor != null) ? intAttribute(descriptor, "imageLeftPosition") : 0,
							(descriptor != null) ? intAttribute(descriptor, "imageTopPosition") : 0);
				}
			}
			writer.endWriteSequence();
			return first;
		}
		finally {
			writer.dispose();
		}
	}

	private static ImageWriter writer() throws IOException {
		Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("gif");
		if (!writers.hasNext()) {
			throw new IOException("No GIF writer");
		}
		return writers.next();
	}

	private IIOMetadataNode streamTree() {
		IIOMetadataNode root = new IIOMetadataNode(STREAM_FORMAT);
		for (String name : new String[] { "LogicalScreenDescriptor", "GlobalColorTable" }) {
			IIOMetadataNode node = child(this.header.streamTree, name);
			if (node != null) {
				root.appendChild(copy(node));
			}
		}
		return root;
	}

	private IIOMetadataNode imageTree(Node source, boolean first) {
		IIOMetadataNode root = new IIOMetadataNode(IMAGE_FORMAT);
		for (String name : new String[] { "ImageDescriptor", "LocalColorTable", "GraphicControlExtension" }) {
			IIOMetadataNode node = child(source, name);
			if (node != null) {
				root.appendChild(copy(node));
			}
		}
		if (first && this.header.loop != null) {
			IIOMetadataNode extensions = new IIOMetadataNode("ApplicationExtensions");
			extensions.appendChild(this.header.loop);
			root.appendChild(extensions);
		}
		return root;
	}

	private BufferedImage onCanvas(BufferedImage frame, int left, int top) {
		BufferedImage canvas = new BufferedImage(this.header.width, this.header.height, BufferedImage.TYPE_INT_ARGB);
		Graphics2D graphics = canvas.createGraphics();
		try {
			graphics.setComposite(AlphaComposite.Src);
			graphics.drawImage(frame, left, top, null);
		}
		finally {
			graphics.dispose();
		}
		return canvas;
	}

	/**
	 * The loop count of an animation (NETSCAPE2.0, or its ANIMEXTS1.0 twin, written as
	 * NETSCAPE2.0), as a new node.
	 */
	private static @Nullable IIOMetadataNode loopExtension(Node tree) {
		IIOMetadataNode extensions = child(tree, "ApplicationExtensions");
		if (extensions == null) {
			return null;
		}
		for (Node node = extensions.getFirstChild(); node != null; node = node.getNextSibling()) {
			if (node instanceof IIOMetadataNode extension && "ApplicationExtension".equals(node.getNodeName())) {
				String id = extension.getAttribute("applicationID") + extension.getAttribute("authenticationCode");
				if (("NETSCAPE2.0".equals(id) || "ANIMEXTS1.0".equals(id))
						&& extension.getUserObject() instanceof byte[] data && data.length == 3 && data[0] == 1) {
					IIOMetadataNode loop = new IIOMetadataNode("ApplicationExtension");
					loop.setAttribute("applicationID", "NETSCAPE");
					loop.setAttribute("authenticationCode", "2.0");
					loop.setUserObject(data.clone());
					return loop;
				}
			}
		}
		return null;
	}

	/**
	 * A deep copy of a node with its attributes and user object (which
	 * {@link IIOMetadataNode#cloneNode(boolean)} leaves out).
	 */
	private static IIOMetadataNode copy(IIOMetadataNode node) {
		IIOMetadataNode copy = new IIOMetadataNode(node.getNodeName());
		NamedNodeMap attributes = node.getAttributes();
		for (int i = 0; i < attributes.getLength(); i++) {
			Node attribute = attributes.item(i);
			copy.setAttribute(attribute.getNodeName(), attribute.getNodeValue());
		}
		copy.setUserObject(node.getUserObject());
		for (Node child = node.getFirstChild(); child != null; child = child.getNextSibling()) {
			if (child instanceof IIOMetadataNode element) {
				copy.appendChild(copy(element));
			}
		}
		return copy;
	}

	private static @Nullable IIOMetadataNode child(Node parent, String name) {
		for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
			if (node instanceof IIOMetadataNode child && name.equals(node.getNodeName())) {
				return child;
			}
		}
		return null;
	}

	private static int intAttribute(IIOMetadataNode node, String name) throws IOException {
		try {
			return Integer.parseInt(node.getAttribute(name));
		}
		catch (NumberFormatException ex) {
			throw new IOException("A GIF without " + name, ex);
		}
	}

	private record Header(Node streamTree, int width, int height, int frames, @Nullable IIOMetadataNode loop) {

	}

}
