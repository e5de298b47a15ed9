defmodule FixtureProject do
  @moduledoc false

  # The one deliberate finding of this fixture (ZERO001): an atom made from run-time input.
  def to_key(input), do: String.to_atom(input)
end
