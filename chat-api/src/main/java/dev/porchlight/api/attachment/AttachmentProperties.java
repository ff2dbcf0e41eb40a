package dev.porchlight.api.attachment;

import java.time.Duration;

import dev.porchlight.api.web.Settings;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Attachment settings (docs/attachments.md).
 *
 * @param store where the bytes live: {@code postgres}, {@code filesystem} or {@code s3}
 * (an S3 bucket or an S3-compatible server's, {@code porchlight.attachments.s3.*})
 * @param directory the directory of the {@code filesystem} store
 * @param maxFileSize the largest file accepted
 * @param maxPerMessage files at most in one message
 * @param visitorUploadsPerHour uploads one visitor may make per hour
 * @param staffUploadsPerHour uploads one staff member may make per hour
 * @param maxPixels the largest picture accepted, in pixels (checked before decoding)
 * @param imageWorkers images decoded at most at once on a node
 * @param thumbnailSize the longer side of thumbnails, in pixels
 * @param linkTtl how long a signed link works (rounded up to the next 5 minutes)
 * @param unsentAfter an upload no message took is deleted after this
 * @param siteUploadsPerHour uploads all visitors of one site together may make per hour
 * (staff uploads do not count)
 */
@ConfigurationProperties("porchlight.attachments")
public record AttachmentProperties(@DefaultValue("postgres") String store,
		@DefaultValue("porchlight-data/attachments") String directory, @DefaultValue("10MB") DataSize maxFileSize,
		@DefaultValue("10") int maxPerMessage, @DefaultValue("30") int visitorUploadsPerHour,
		@DefaultValue("300") int staffUploadsPerHour, @DefaultValue("40000000") long maxPixels,
		@DefaultValue("2") int imageWorkers, @DefaultValue("320") int thumbnailSize,
		@DefaultValue("1h") Duration linkTtl, @DefaultValue("24h") Duration unsentAfter,
		@DefaultValue("600") int siteUploadsPerHour) {

	/** The highest {@code max-per-message}: what a {@code send} frame may list at all. */
	public static final int MOST_PER_MESSAGE = 100;

	public AttachmentProperties {
		if (!store.equals("postgres") && !store.equals("filesystem") && !store.equals("s3")) {
			throw new IllegalArgumentException("porchlight.attachments.store is postgres, filesystem or s3");
		}
		if (maxFileSize.toBytes() < 1 || maxPerMessage < 1 || maxPixels < 1 || imageWorkers < 1 || thumbnailSize < 16
				|| linkTtl.isNegative() || linkTtl.isZero()) {
			throw new IllegalArgumentException("porchlight.attachments: sizes, counts and times must be positive");
		}
		Settings.positive("porchlight.attachments.unsent-after", unsentAfter);
		Settings.atLeast("porchlight.attachments.visitor-uploads-per-hour", visitorUploadsPerHour, 1);
		Settings.atLeast("porchlight.attachments.staff-uploads-per-hour", staffUploadsPerHour, 1);
		Settings.atLeast("porchlight.attachments.site-uploads-per-hour", siteUploadsPerHour, 1);
		if (maxPerMessage > MOST_PER_MESSAGE) {
			throw new IllegalArgumentException("porchlight.attachments.max-per-message is at most " + MOST_PER_MESSAGE);
		}
	}

}
