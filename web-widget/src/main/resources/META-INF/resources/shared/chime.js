// A short, quiet tone for a new message. Browsers let a page make sound only after the
// user interacted with it, so the audio is set up on the first click or key press and
// a chime before that stays silent (badges, titles and notifications still tell).

let audio = null;

function context() {
	audio = audio || new AudioContext();
	return audio;
}

const unlock = () => {
	try {
		context().resume();
	}
	catch (ignored) {
		// no audio
	}
};
addEventListener('pointerdown', unlock, { once: true });
addEventListener('keydown', unlock, { once: true });

// Plays the given frequencies one after the other (0.12 s each), fading out by `length`.
export function chime(frequencies, volume, length) {
	try {
		const sound = context();
		const tone = sound.createOscillator();
		const gain = sound.createGain();
		const now = sound.currentTime;
		frequencies.forEach((frequency, i) => tone.frequency.setValueAtTime(frequency, now + i * 0.12));
		gain.gain.setValueAtTime(0.0001, now);
		gain.gain.exponentialRampToValueAtTime(volume, now + 0.02);
		gain.gain.exponentialRampToValueAtTime(0.0001, now + length);
		tone.connect(gain).connect(sound.destination);
		tone.start(now);
		tone.stop(now + length + 0.05);
	}
	catch (ignored) {
		// no audio
	}
}
