using System.Reflection;

namespace OutboundGuard.Scoring.Detectors;

/// <summary>The one check of a detector options class: every number a count, factor or weight, none negative.</summary>
internal static class DetectorOptionsCheck
{
    /// <exception cref="InvalidOperationException">A property is negative or not a finite number; the message names its key.</exception>
    public static void Validate(object options, string section)
    {
        foreach (PropertyInfo property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            double value = Convert.ToDouble(property.GetValue(options), System.Globalization.CultureInfo.InvariantCulture);
            if (!double.IsFinite(value) || value < 0)
            {
                throw new InvalidOperationException($"{section}:{property.Name} must be a number of 0 or more (it is {value}).");
            }
        }
    }
}
