package dev.porchlight.persistence.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The one directory that holds everything the embedded engines write, locked for the
 * lifetime of the process so that a second instance on the same directory fails at once
 * instead of corrupting it. The lock is an OS file lock: it disappears when the process
 * dies, so a crash never leaves a stale lock behind.
 */
public final class DataDirectory implements AutoCloseable {

	static final String LOCK_FILE = "porchlight.lock";

	private final Path root;

	private final FileChannel channel;

	private final FileLock lock;

	private DataDirectory(Path root, FileChannel channel, FileLock lock) {
		this.root = root;
		this.channel = channel;
		this.lock = lock;
	}

	/**
	 * Creates the directory if needed and takes its lock.
	 * @param root the directory
	 * @return the locked directory
	 * @throws DataDirectoryInUseException when another process holds the lock
	 */
	public static DataDirectory lock(Path root) {
		Path absolute = root.toAbsolutePath().normalize();
		try {
			Files.createDirectories(absolute);
			FileChannel channel = FileChannel.open(absolute.resolve(LOCK_FILE), StandardOpenOption.CREATE,
					StandardOpenOption.WRITE);
			FileLock lock;
			try {
				lock = channel.tryLock();
			}
			catch (OverlappingFileLockException ex) {
				lock = null;
			}
			if (lock == null) {
				channel.close();
				throw new DataDirectoryInUseException(absolute);
			}
			return new DataDirectory(absolute, channel, lock);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot use the data directory " + absolute, ex);
		}
	}

	public Path root() {
		return this.root;
	}

	/**
	 * A sub-directory for one engine, created if missing.
	 * @param name the sub-directory's name
	 * @return its path
	 */
	public Path engine(String name) {
		Path path = this.root.resolve(name);
		try {
			Files.createDirectories(path);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create " + path, ex);
		}
		return path;
	}

	@Override
	public void close() {
		try {
			this.lock.release();
			this.channel.close();
		}
		catch (IOException ex) {
			// The process is going away; the OS releases the lock with it.
		}
	}

}
