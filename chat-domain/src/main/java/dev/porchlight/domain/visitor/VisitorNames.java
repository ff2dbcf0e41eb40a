package dev.porchlight.domain.visitor;

import java.util.List;

/**
 * A short, stable name for an anonymous visitor ("Amber Otter 17"), so that staff can
 * tell visitors apart in the inbox, a heading and a typing line without anyone having
 * told us who they are. It is made from the visitor's random id alone: the same visitor
 * has the same name on every node and after every restart, and the name says nothing
 * about them. About 400,000 names: two visitors of a 500-conversation inbox share one
 * about once in three inboxes, and then they still differ in page, browser and language.
 */
public final class VisitorNames {

	private static final List<String> ADJECTIVES = List.of("Amber", "Ashen", "Autumn", "Azure", "Bold", "Brave",
			"Bright", "Brisk", "Calm", "Cedar", "Clever", "Copper", "Coral", "Crimson", "Dapper", "Dawn", "Deep",
			"Dusky", "Eager", "Early", "Ember", "Fern", "Frosty", "Gentle", "Gilded", "Glad", "Golden", "Granite",
			"Happy", "Hazel", "Honey", "Indigo", "Ivory", "Jade", "Jolly", "Keen", "Kind", "Lively", "Lucky", "Lunar",
			"Maple", "Merry", "Misty", "Mossy", "Noble", "Olive", "Pearl", "Plucky", "Quiet", "Rapid", "Rosy", "Ruby",
			"Russet", "Sandy", "Silver", "Sleek", "Snowy", "Sunny", "Swift", "Tawny", "Tidy", "Velvet", "Witty",
			"Zesty");

	private static final List<String> ANIMALS = List.of("Alpaca", "Badger", "Beaver", "Bison", "Bobcat", "Crane",
			"Crow", "Deer", "Dingo", "Dolphin", "Eagle", "Egret", "Falcon", "Ferret", "Finch", "Fox", "Gecko", "Gibbon",
			"Goose", "Hare", "Hawk", "Heron", "Ibis", "Jackal", "Jay", "Koala", "Lark", "Lemur", "Lynx", "Marten",
			"Mink", "Moose", "Newt", "Ocelot", "Orca", "Osprey", "Otter", "Owl", "Panda", "Puffin", "Quail", "Raven",
			"Robin", "Salmon", "Seal", "Shrew", "Skunk", "Sparrow", "Stoat", "Swan", "Tapir", "Tern", "Tiger", "Toucan",
			"Trout", "Turtle", "Vole", "Walrus", "Weasel", "Whale", "Wolf", "Wombat", "Wren", "Yak");

	private VisitorNames() {
	}

	/**
	 * The visitor's name.
	 * @param visitor the visitor
	 * @return e.g. {@code Amber Otter 17}
	 */
	public static String of(VisitorId visitor) {
		// The id's random bits, mixed (SplitMix64's finaliser) so that every bit counts.
		long bits = visitor.value().getLeastSignificantBits() ^ visitor.value().getMostSignificantBits();
		bits = (bits ^ (bits >>> 30)) * 0xbf58476d1ce4e5b9L;
		bits = (bits ^ (bits >>> 27)) * 0x94d049bb133111ebL;
		bits ^= bits >>> 31;
		long positive = bits >>> 1;
		String adjective = ADJECTIVES.get((int) (positive % ADJECTIVES.size()));
		String animal = ANIMALS.get((int) ((positive / ADJECTIVES.size()) % ANIMALS.size()));
		long number = (positive / ((long) ADJECTIVES.size() * ANIMALS.size())) % 100;
		return adjective + " " + animal + " " + number;
	}

}
